// iovsim_scheduler: the Tx arbitration core of hls/scheduler/scheduler_core.h in RTL.
//
// Bit for bit the C++ arbitrate<N>() (the golden model; rules in hls/scheduler/README.md):
// same decision and same state update for every request, proven in lock-step by
// testbench/rtl/scheduler_lockstep.cpp. Policies: RoundRobin, Wrr (frame-fair), Dwrr
// (byte-fair deficit round robin, charge after the frame), Strict (eight levels, 0 highest,
// round robin within a level).
//
// Parameter N: queues, 2..128 (16 for the 82576, 128 for the 82599).
//
// Interface (all synchronous to the rising edge of clk):
//   rst_n      synchronous, active low: the state as sched_reset(), the configuration to its
//              reset values, the outputs to 0.
//   cfg_*      the block's own register file (write only; the parts have no per-queue weight
//              registers, so this map is local to the block). Byte addresses, aligned words:
//                0x0000        CTRL     bits 1:0 policy (0 RR, 1 WRR, 2 DWRR, 3 Strict),
//                                       bits 23:8 num_queues (clamped to 1..N when used,
//                                       as the C++ does at every decision)      reset 0, N
//                0x0004        QUANTUM  quantum_bytes (32 bits)                 reset 1522
//                0x1000 + 4q   WEIGHT   bits 15:0 weight[q] (0 reads as 1)      reset 1
//                0x2000 + 4q   PRIORITY bits 7:0 priority[q] (above 7 reads as 7;
//                                       only the level read is kept)            reset 0
//              q < N; other addresses, including q >= N, are ignored. A write takes effect
//              at the edge that samples it: a request in the same cycle sees the old value.
//   req_*      one request per cycle when req_valid: pending, eligible (a subset of pending
//              by contract; the logic does exactly what the C++ does either way) and the
//              previous grant's charge (charge, charge_queue, charge_bytes; DWRR only).
//   gnt_*      registered decision, latency 1: the decision for the request sampled at a
//              rising edge is on gnt_* after that edge. gnt_valid = the request was valid;
//              gnt_grant = a queue was granted; gnt_queue = that queue, 0 without a grant.
//   Initiation interval 1: one decision per clock, all state in registers, the whole
//   decision (charge, refill, pick, update) in one cycle.
//
// State (SchedState): next (RR), turn / turn_valid (WRR and DWRR share them, as in the C++),
// frames_left (WRR), credit[q] (DWRR, int32, wrapping arithmetic), banked[q] (DWRR),
// level_next[l] (Strict). Pointers are stored in $clog2(N) bits: the C++ only ever stores a
// value below n <= N into them; a pointer at or above the current n (num_queues lowered) is
// treated as the C++ does: RR and Strict start at 0 (`next < n ? next : 0`), WRR / DWRR
// ignore the turn (`turn_valid && turn < n`) and start at 0.
//
// Round-robin pick (first_from in the C++): the first set bit of a mask at or after `start`
// in the order start, .., n-1, 0, .., start-1: the lowest set bit of the 2N-bit word
// {mask, mask & (bits >= start)}, isolated as d & -d; OR-ing its two halves gives the
// queue one-hot, OR-encoded to its index. Two such pickers: A serves every policy (its mask
// and start selected by the policy), B only the DWRR fallback. (A start at or above n picks
// what start 0 picks, as the masks hold only active queues; the RTL still clamps the
// pointers as the C++ does.)
//
// DWRR in one cycle. The C++ charges first (credit[cq] -= bytes; banked[cq] cleared when the
// credit is no longer positive), grants the holder again while it is eligible and positive,
// and otherwise visits the queues of pending | banked in round-robin order from the one after
// the holder, stopping at the first whose refilled credit is positive:
//   - a visited queue without a packet: credit = 0 if it was positive, leaves banked;
//   - a visited eligible queue: credit = min(credit + weight*quantum, weight*quantum) (int32,
//     weight*quantum computed mod 2^32), joins banked and wins when that is positive; the
//     first eligible one is the fallback, granted when none gets positive (quantum below the
//     largest frame: outside the contract), and then every queue was visited;
//   - a pending, not eligible queue: unchanged.
// Every visit only reads the queue's own credit, so in parallel each queue computes its
// charged credit c1 and its refilled credit nc = min(c1 + dq, dq) (dq = its weight*quantum,
// kept in a register computed when WEIGHT or QUANTUM is written), the candidates
// win = pending & eligible & (nc > 0) go to picker A from the start, and the queues the C++
// visits are those of pending | banked lying in round-robin order from start up to and
// including the winner w: with the thermometer masks q >= start and q <= w (one comparator
// per queue), their AND when start <= w, their OR when the order wraps (start > w); all
// active queues when there is no winner (fallback or no grant: the C++ ran the whole visit).
// Each of those applies its visit rule; every other queue keeps its charged credit.
// dq costs N 16 x 32 multipliers (a QUANTUM write changes every queue's dq, and the next
// request must see it) but keeps them out of the decision path; they are most of the area.
//
// Strict in one cycle: per level l the mask eligible & (level == l); the lowest level with a
// queue wins (an 8-bit priority encoder), picker A runs on that level's mask from that
// level's pointer (level_next[l] < n ? level_next[l] : 0).
module iovsim_scheduler #(
    parameter int N = 128
) (
    input  logic         clk,
    input  logic         rst_n,
    // configuration register port
    input  logic         cfg_we,
    input  logic [ 15:0] cfg_addr,
    input  logic [ 31:0] cfg_wdata,
    // request
    input  logic         req_valid,
    input  logic [N-1:0] req_pending,
    input  logic [N-1:0] req_eligible,
    input  logic         req_charge,
    input  logic [ 15:0] req_charge_queue,
    input  logic [ 15:0] req_charge_bytes,
    // decision, registered
    output logic         gnt_valid,
    output logic         gnt_grant,
    output logic [ 15:0] gnt_queue
);

  localparam int QW = $clog2(N);  // queue index bits
  localparam int NW = QW + 1;  // queue count bits (1..N)
  localparam int L = 8;  // Strict levels

  localparam logic [1:0] P_RR = 2'd0, P_WRR = 2'd1, P_DWRR = 2'd2, P_STRICT = 2'd3;
  localparam logic [15:0] N16 = 16'(N);
  localparam logic [NW-1:0] NN = NW'(N);
  localparam logic [9:0] N10 = 10'(N);
  localparam logic [31:0] QUANTUM_RESET = 32'd1522;

  // ---------------------------------------------------------------- helpers

  // q + 1 in round-robin order over cnt queues (the C++ wrap(q + 1, n), q < cnt)
  function automatic logic [QW-1:0] wrap_inc(input logic [QW-1:0] q, input logic [NW-1:0] cnt);
    wrap_inc = ({1'b0, q} + 1'b1 == cnt) ? '0 : q + 1'b1;
  endfunction

  // the index of the set bit of a one-hot (or zero) N-bit word
  function automatic logic [QW-1:0] enc_onehot(input logic [N-1:0] oh);
    integer i;
    enc_onehot = '0;
    for (i = 0; i < N; i = i + 1) if (oh[i]) enc_onehot = enc_onehot | i[QW-1:0];
  endfunction

  // int32 strictly positive
  function automatic logic positive(input logic [31:0] x);
    positive = !x[31] && (x != 32'd0);
  endfunction

  // ---------------------------------------------------------------- configuration

  logic [ 1:0] policy_r;
  logic [15:0] nq_r;  // CTRL.num_queues as written
  logic [31:0] quantum_r;

  wire         we_ctrl = cfg_we && cfg_addr == 16'h0000;
  wire         we_quant = cfg_we && cfg_addr == 16'h0004;
  wire  [ 9:0] cfg_q = cfg_addr[11:2];
  wire         cfg_q_ok = cfg_addr[1:0] == 2'b00 && cfg_q < N10;
  wire         we_weight = cfg_we && cfg_addr[15:12] == 4'h1 && cfg_q_ok;
  wire         we_prio = cfg_we && cfg_addr[15:12] == 4'h2 && cfg_q_ok;
  wire  [31:0] quantum_d = we_quant ? cfg_wdata : quantum_r;
  wire  [ 2:0] level_wdata = (cfg_wdata[7:3] != 5'd0) ? 3'd7 : cfg_wdata[2:0];

  // n: the active queue count, 1..N
  logic [NW-1:0] n;
  always_comb begin
    if (nq_r == 16'd0) n = {{(NW - 1) {1'b0}}, 1'b1};
    else if (nq_r >= N16) n = NN;
    else n = nq_r[NW-1:0];
  end

  // one-hot write selects, the active queues (below n), the one-hot charge select: one
  // comparator per queue (the charge only when its queue is active: r.charge_queue < n)
  wire         charge_ok = req_charge && req_charge_queue < {{(16 - NW) {1'b0}}, n};
  logic [N-1:0] weight_sel, prio_sel, act, charge_sel;
  for (genvar g = 0; g < N; g++) begin : g_dec
    assign weight_sel[g] = we_weight && cfg_q == 10'(g);
    assign prio_sel[g]   = we_prio && cfg_q == 10'(g);
    assign act[g]        = NW'(g) < n;
    assign charge_sel[g] = charge_ok && req_charge_queue == 16'(g);
  end

  // ---------------------------------------------------------------- state

  logic [QW-1:0] next_r;  // RR
  logic [QW-1:0] turn_r;  // WRR / DWRR
  logic          turn_valid_r;
  logic [  15:0] frames_r;  // WRR: frames left in the turn

  // ---------------------------------------------------------------- request

  wire  [ N-1:0] pend = req_pending & act;
  wire  [ N-1:0] elig = req_eligible & act;
  wire           turn_ok = turn_valid_r && {1'b0, turn_r} < n;  // s.turn_valid && s.turn < n
  wire  [QW-1:0] turn_start = turn_ok ? wrap_inc(turn_r, n) : '0;  // after the holder
  wire  [QW-1:0] rr_start = ({1'b0, next_r} < n) ? next_r : '0;  // s.next < n ? s.next : 0
  wire           turn_elig = req_eligible[turn_r];

  // ---------------------------------------------------------------- per queue

  logic [16*N-1:0] weight_f;  // weight[q] at [16q +: 16]
  logic [ L*N-1:0] level_f;  // level_f[l*N + q]: queue q is at level l
  logic [   N-1:0] pos1_v;  // DWRR: credit after the charge > 0
  logic [   N-1:0] banked1_v;  // DWRR: banked after the charge
  logic [   N-1:0] ncpos_v;  // DWRR: refilled credit > 0
  logic [   N-1:0] upd_v;  // DWRR: visited, at or before the winner (set below)

  wire             step_dwrr = req_valid && policy_r == P_DWRR;

  for (genvar g = 0; g < N; g++) begin : g_q
    logic [15:0] weight_r;
    logic [ 2:0] level_r;  // min(priority, 7)
    logic [31:0] dq_r;  // int32((weight ? weight : 1) * quantum_bytes): DWRR refill
    logic [31:0] credit_r;  // int32
    logic        banked_r;

    // configuration
    wire  [15:0] weight_d = weight_sel[g] ? cfg_wdata[15:0] : weight_r;
    wire  [15:0] weight_eff_d = (weight_d == 16'd0) ? 16'd1 : weight_d;
    wire  [31:0] dq_d = {16'd0, weight_eff_d} * quantum_d;  // mod 2^32
    wire  [ 7:0] level_oh = 8'd1 << level_r;

    always_ff @(posedge clk) begin
      if (!rst_n) begin
        weight_r <= 16'd1;
        level_r  <= 3'd0;
        dq_r     <= QUANTUM_RESET;
      end else begin
        weight_r <= weight_d;
        if (prio_sel[g]) level_r <= level_wdata;
        dq_r <= dq_d;  // follows WEIGHT and QUANTUM at the edge that writes them
      end
    end

    assign weight_f[16*g+:16] = weight_r;
    for (genvar l = 0; l < L; l++) begin : g_lvl
      assign level_f[l*N+g] = level_oh[l];
    end

    // DWRR: the charge, then this queue's visit
    wire [31:0] c1 = charge_sel[g] ? credit_r - {16'd0, req_charge_bytes} : credit_r;
    wire        c1_pos = positive(c1);
    wire        b1 = banked_r && !(charge_sel[g] && !c1_pos);
    wire [31:0] sum = c1 + dq_r;
    wire [31:0] nc = ($signed(sum) < $signed(dq_r)) ? sum : dq_r;  // min(credit + q, q)
    wire        nc_pos = positive(nc);

    assign pos1_v[g]    = c1_pos;
    assign banked1_v[g] = b1;
    assign ncpos_v[g]   = nc_pos;

    always_ff @(posedge clk) begin
      if (!rst_n) begin
        credit_r <= 32'd0;
        banked_r <= 1'b0;
      end else if (step_dwrr) begin
        if (upd_v[g] && !req_pending[g]) begin  // idle: no positive credit, leaves banked
          credit_r <= c1_pos ? 32'd0 : c1;
          banked_r <= 1'b0;
        end else if (upd_v[g] && req_eligible[g]) begin  // refilled
          credit_r <= nc;
          banked_r <= b1 || nc_pos;
        end else begin  // held by its rate controller, or not visited
          credit_r <= c1;
          banked_r <= b1;
        end
      end
    end
  end

  // ---------------------------------------------------------------- round-robin pickers

  // picker A (every policy) and B (the DWRR fallback)
  logic [N-1:0] pa_mask, pb_mask;
  logic [QW-1:0] pa_start, pb_start;
  logic pa_found, pb_found;
  logic [QW-1:0] pa_q, pb_q;

  // {mask, mask at or after start}: its lowest set bit (d & -d, one-hot) is the pick, in the
  // lower half when there is one at or after start; folding the halves gives the queue
  // queue >= start (as start < g + 1 in NW bits: no comparison constant for g = 0 or N - 1)
  logic [N-1:0] pa_ge, pb_ge;
  for (genvar g = 0; g < N; g++) begin : g_ge
    assign pa_ge[g] = {1'b0, pa_start} < NW'(g + 1);
    assign pb_ge[g] = {1'b0, pb_start} < NW'(g + 1);
  end
  logic [2*N-1:0] pa_d, pb_d, pa_oh, pb_oh;
  assign pa_d = {pa_mask, pa_mask & pa_ge};
  assign pb_d = {pb_mask, pb_mask & pb_ge};
  assign pa_oh = pa_d & (~pa_d + 1'b1);
  assign pb_oh = pb_d & (~pb_d + 1'b1);
  assign pa_q = enc_onehot(pa_oh[2*N-1:N] | pa_oh[N-1:0]);
  assign pb_q = enc_onehot(pb_oh[2*N-1:N] | pb_oh[N-1:0]);
  assign pa_found = |pa_mask;
  assign pb_found = |pb_mask;

  // ---------------------------------------------------------------- Strict

  logic [L-1:0] lvl_any;  // an eligible queue at level l
  for (genvar l = 0; l < L; l++) begin : g_any
    assign lvl_any[l] = |(elig & level_f[l*N+:N]);
  end
  logic [2:0] best;  // the highest (lowest-numbered) level with an eligible queue
  always_comb begin
    casez (lvl_any)
      8'b???????1: best = 3'd0;
      8'b??????10: best = 3'd1;
      8'b?????100: best = 3'd2;
      8'b????1000: best = 3'd3;
      8'b???10000: best = 3'd4;
      8'b??100000: best = 3'd5;
      8'b?1000000: best = 3'd6;
      default:     best = 3'd7;
    endcase
  end
  wire [L-1:0] best_oh = 8'd1 << best;
  logic [L*QW-1:0] lnext_f;  // level_next[l] at [QW*l +: QW]
  wire [QW-1:0] lnext_best = lnext_f[QW*best+:QW];
  wire [QW-1:0] st_start = ({1'b0, lnext_best} < n) ? lnext_best : '0;
  wire step_strict = req_valid && policy_r == P_STRICT && (lvl_any != '0);

  for (genvar l = 0; l < L; l++) begin : g_lnext
    logic [QW-1:0] ln_r;
    assign lnext_f[QW*l+:QW] = ln_r;
    always_ff @(posedge clk) begin
      if (!rst_n) ln_r <= '0;
      else if (step_strict && best_oh[l]) ln_r <= wrap_inc(pa_q, n);
    end
  end

  // ---------------------------------------------------------------- WRR / DWRR holder

  wire wrr_hold = turn_ok && turn_elig && frames_r != 16'd0;
  wire dwrr_hold = turn_ok && turn_elig && pos1_v[turn_r];
  wire [N-1:0] dwrr_win = pend & elig & ncpos_v;  // positive after the refill
  wire [15:0] weight_pick = weight_f[16*pa_q+:16];

  // picker inputs by policy
  always_comb begin
    case (policy_r)
      P_RR: begin
        pa_mask  = elig;
        pa_start = rr_start;
      end
      P_WRR: begin
        pa_mask  = elig;
        pa_start = turn_start;
      end
      P_DWRR: begin
        pa_mask  = dwrr_win;
        pa_start = turn_start;
      end
      default: begin
        pa_mask  = elig & level_f[N*best+:N];
        pa_start = st_start;
      end
    endcase
    pb_mask  = pend & elig;  // the first eligible queue visited: the fallback
    pb_start = turn_start;
  end

  // DWRR: the queues the C++ visit reaches: pending | banked, in round-robin order from
  // turn_start up to and including the winner (all of them when no queue wins)
  logic [N-1:0] from_start, upto_win;  // queue >= turn_start, queue <= the winner
  for (genvar g = 0; g < N; g++) begin : g_reach
    assign from_start[g] = {1'b0, turn_start} < NW'(g + 1);
    assign upto_win[g]   = NW'(g) < {1'b0, pa_q} + 1'b1;
  end
  wire [N-1:0] reach = !pa_found ? {N{1'b1}} :
                       (turn_start <= pa_q) ? (from_start & upto_win) : (from_start | upto_win);
  assign upd_v = dwrr_hold ? '0 : (reach & (pend | banked1_v) & act);

  // ---------------------------------------------------------------- decision

  logic          grant;
  logic [QW-1:0] gq;
  always_comb begin
    grant = 1'b0;
    gq    = '0;
    case (policy_r)
      P_RR, P_STRICT: begin
        grant = pa_found;
        gq    = pa_q;
      end
      P_WRR: begin
        if (wrr_hold) begin
          grant = 1'b1;
          gq    = turn_r;
        end else begin
          grant = pa_found;
          gq    = pa_q;
        end
      end
      default: begin  // DWRR
        if (dwrr_hold) begin
          grant = 1'b1;
          gq    = turn_r;
        end else if (pa_found) begin
          grant = 1'b1;
          gq    = pa_q;
        end else begin
          grant = pb_found;
          gq    = pb_q;
        end
      end
    endcase
    if (!grant) gq = '0;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      policy_r     <= P_RR;
      nq_r         <= N16;
      quantum_r    <= QUANTUM_RESET;
      next_r       <= '0;
      turn_r       <= '0;
      turn_valid_r <= 1'b0;
      frames_r     <= 16'd0;
      gnt_valid    <= 1'b0;
      gnt_grant    <= 1'b0;
      gnt_queue    <= 16'd0;
    end else begin
      if (req_valid) begin
        case (policy_r)
          P_RR: if (grant) next_r <= wrap_inc(gq, n);
          P_WRR: begin
            if (wrr_hold) frames_r <= frames_r - 16'd1;
            else if (grant) begin
              turn_r       <= gq;
              turn_valid_r <= 1'b1;
              frames_r     <= (weight_pick == 16'd0) ? 16'd0 : weight_pick - 16'd1;
            end
          end
          P_DWRR: begin
            if (!dwrr_hold && grant) begin
              turn_r       <= gq;
              turn_valid_r <= 1'b1;
            end
          end
          default: ;  // Strict: level_next in g_lnext
        endcase
      end
      if (we_ctrl) begin
        policy_r <= cfg_wdata[1:0];
        nq_r     <= cfg_wdata[23:8];
      end
      quantum_r <= quantum_d;
      gnt_valid <= req_valid;
      gnt_grant <= req_valid && grant;
      gnt_queue <= (req_valid && grant) ? {{(16 - QW) {1'b0}}, gq} : 16'd0;
    end
  end

endmodule
