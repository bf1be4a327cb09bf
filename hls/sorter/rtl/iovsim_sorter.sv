// iovsim_sorter: the L2 sorter / classifier (Virtual Ethernet Bridge) of an 82576 / 82599
// class controller as synthesizable SystemVerilog. Bit-exact with the C++ core
// hls/sorter/sorter_core.cpp (classify_rx, switch_tx): testbench/rtl/sorter_lockstep.cpp runs
// both in lock-step on the same register writes and headers. Decision order and sources:
// hls/sorter/README.md.
//
// Parameters (the C++ core's active sizes, SorterTables::num_*):
//   FAMILY     0: 82576 (igb register layout), 1: 82599 (ixgbe register layout)
//   NUM_RAR    receive address (exact) filters: 82576 24, 82599 128
//   NUM_POOLS  pools: 82576 8, 82599 64
//   NUM_VLVF   VLAN pool filters: 82576 32, 82599 64
// `num_rar` / `num_vlvf` (inputs, static while running) may lower the tables in use below the
// parameters, as a scenario's `num_rar` / `num_vlvf` do for the C++ core.
//
// Register port: PF BAR0 byte offsets of the family's register map (model/regs/map_82576.h,
// model/regs/map_82599.h, docs/register-map.md): RCTL, MRQC, VT_CTL, RAL/RAH (both segments),
// MTA, VFTA, UTA, VMOLR, VLVF, VMVIR, VFRE, VFTE, DTXSWC on the 82576; FCTRL, VLNCTRL,
// MCSTCTRL, PFVTCTL, RAL/RAH, MPSAR_LO/HI, MTA, VFTA, PFUTA, PFVML2FLT, PFVLVF, PFVLVFB,
// PFVFRE, PFVFTE, PFDTXGSWC, PFVFSPOOF on the 82599. The register-map layer decodes the same
// writes into hls::SorterTables; the fields and their meaning are those. Writes to other
// offsets are ignored (they belong to other blocks). Bits of absent pools are dropped, as the
// map's codec drops them. Reset clears every register but the three 4096-bit tables (MTA,
// VFTA, UTA), which the datasheets leave undefined and the drivers clear at bring-up
// (igb_clear_vfta, ixgbe_init_rx_addrs); they are block RAMs of 128 x 32 bits.
//
// Frame header port: one header per clock (initiation interval 1), `hdr_tx` selects the
// direction: Rx classification (classify_rx) or Tx switching from `hdr_src_pool` (switch_tx).
// Latency 2: the result of a header accepted at a rising edge appears after the next edge.
// Ordering: a header sees every register write accepted at the same or an earlier edge (the
// table RAMs forward a write to a read of the same word in the same cycle).
//   stage 1 (edge t):   header registered; MTA/UTA word at the DA hash and VFTA word at the
//                       VID read from the RAMs
//   stage 2 (edge t+1): exact-filter and VLAN-filter comparators, pool vectors, the decision
//                       steps, the per-pool size check; results registered
// Result encodings: res_verdict 0 Deliver, 1 DropNoPool, 2 DropVlanFilter, 3 DropSize,
// 4 DropPoolDisabled (hls::RxVerdict). Pool masks are 64 bits, bit p = pool p.
//
// Written in the subset Verilator 5.006 and Yosys 0.23 both accept: per-entry registers in
// generate blocks (no non-blocking assignments to array elements inside loops), module-level
// loop variables, no structs or packages.
module iovsim_sorter #(
    parameter int FAMILY = 0,
    parameter int NUM_RAR = 24,
    parameter int NUM_POOLS = 8,
    parameter int NUM_VLVF = 32
) (
    input  logic        clk,
    input  logic        rst_n,
    input  logic [7:0]  num_rar,       // exact filters in use (<= NUM_RAR)
    input  logic [6:0]  num_vlvf,      // VLAN pool filters in use (<= NUM_VLVF)
    // register port
    input  logic        reg_we,
    input  logic [19:0] reg_addr,
    input  logic [31:0] reg_wdata,
    // frame header
    input  logic        hdr_valid,
    input  logic        hdr_tx,
    input  logic [6:0]  hdr_src_pool,
    input  logic [47:0] hdr_da,        // byte 0 of the address (the I/G bit) in bits 7:0
    input  logic [47:0] hdr_sa,
    input  logic        hdr_tagged,
    input  logic [11:0] hdr_vid,
    input  logic [15:0] hdr_frame_len, // DA through FCS
    input  logic [31:0] hdr_id,        // carried to the result unchanged
    // result
    output logic        res_valid,
    output logic        res_tx,
    output logic [31:0] res_id,
    output logic [63:0] res_pools,           // Rx: pools that receive a copy; Tx: loopback pools
    output logic [2:0]  res_verdict,         // Rx
    output logic        res_matched_rar,     // Rx
    output logic        res_to_default_pool, // Rx
    output logic        res_passed_l2,       // Rx
    output logic [63:0] res_candidate_pools, // Rx
    output logic [63:0] res_oversize_pools,  // Rx
    output logic        res_to_wire,         // Tx
    output logic        res_spoof_mac,       // Tx
    output logic        res_spoof_vlan,      // Tx
    output logic        res_drop,            // Tx
    output logic        res_tx_disabled,     // Tx
    output logic        res_exact_match,     // Tx
    output logic [11:0] res_effective_vid,   // Tx
    output logic        res_effective_tagged // Tx
);

  localparam logic [63:0] ACTIVE = (NUM_POOLS >= 64) ? {64{1'b1}} : ((64'd1 << NUM_POOLS) - 64'd1);
  localparam bit I82599 = (FAMILY != 0);

  // ------------------------------------------------------------------ register decode
  // Global fields.
  logic upe_g, mpe_g, bam_g, vfe, vmdq, dis_def, repl, glb_lb;
  logic [1:0] mo;
  logic [5:0] def_pl;

  logic [19:0] a;
  logic [31:0] d;
  assign a = reg_addr;
  assign d = reg_wdata;

  // Pool-field writes decoded once: which register array and element.
  logic        w_vmolr, w_vmvir, w_vfre, w_vfte, w_dtxswc, w_spoof;
  logic [6:0]  w_idx;  // element of the array written
  always_comb begin
    w_vmolr = 1'b0; w_vmvir = 1'b0; w_vfre = 1'b0; w_vfte = 1'b0; w_dtxswc = 1'b0;
    w_spoof = 1'b0; w_idx = a[8:2];
    if (reg_we) begin
      if (!I82599) begin
        w_vmolr  = a >= 20'h05AD0 && a < 20'h05AF0 && a[1:0] == 2'b00;
        w_vmvir  = a >= 20'h03700 && a < 20'h03720 && a[1:0] == 2'b00;
        w_vfre   = a == 20'h00C8C;
        w_vfte   = a == 20'h00C90;
        w_dtxswc = a == 20'h03500;
        w_idx    = w_vmolr ? 7'((a - 20'h05AD0) >> 2) : 7'((a - 20'h03700) >> 2);
      end else begin
        w_vmolr  = a >= 20'h0F000 && a < 20'h0F100 && a[1:0] == 2'b00;  // PFVML2FLT
        w_vfre   = a == 20'h051E0 || a == 20'h051E4;                     // PFVFRE[0..1]
        w_vfte   = a == 20'h08110 || a == 20'h08114;                     // PFVFTE[0..1]
        w_spoof  = a >= 20'h08200 && a < 20'h08220 && a[1:0] == 2'b00;   // PFVFSPOOF[0..7]
        w_idx    = w_spoof ? 7'((a - 20'h08200) >> 2)
                 : w_vmolr ? 7'((a - 20'h0F000) >> 2)
                 : 7'(a[2]);
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      upe_g <= 1'b0; mpe_g <= 1'b0; bam_g <= 1'b0; vfe <= 1'b0; mo <= 2'd0; vmdq <= 1'b0;
      def_pl <= 6'd0; dis_def <= 1'b0; repl <= 1'b0; glb_lb <= 1'b0;
    end else if (reg_we) begin
      if (!I82599) begin
        if (a == 20'h00100) begin  // RCTL
          upe_g <= d[3]; mpe_g <= d[4]; mo <= d[13:12]; bam_g <= d[15]; vfe <= d[18];
        end
        if (a == 20'h05818) vmdq <= d[2:0] == 3'h3 || d[2:0] == 3'h5;  // MRQC.MRQE
        if (a == 20'h0581C) begin  // VT_CTL
          if (32'(d[9:7]) < NUM_POOLS) def_pl <= {3'd0, d[9:7]};
          dis_def <= d[29]; repl <= d[30];
        end
        if (a == 20'h03500) glb_lb <= d[31];  // DTXSWC.VMDQ_LOOPBACK_EN
      end else begin
        if (a == 20'h05080) begin mpe_g <= d[8]; upe_g <= d[9]; bam_g <= d[10]; end  // FCTRL
        if (a == 20'h05088) vfe <= d[30];      // VLNCTRL.VFE
        if (a == 20'h05090) mo <= d[1:0];      // MCSTCTRL.MO
        if (a == 20'h051B0) begin  // PFVTCTL
          vmdq <= d[0];
          if (32'(d[12:7]) < NUM_POOLS) def_pl <= d[12:7];
          dis_def <= d[29]; repl <= d[30];
        end
        if (a == 20'h08220) glb_lb <= d[0];    // PFDTXGSWC.VT_LBEN
      end
    end
  end

  // Table sizes in use: straps, sampled at reset.
  logic [7:0] rar_used;
  logic [6:0] vlvf_used;
  always_ff @(posedge clk)
    if (!rst_n) begin
      rar_used <= num_rar;
      vlvf_used <= num_vlvf;
    end

  // Table writes decoded once into an array and an element (the filter tables are RAMs with
  // one write port; their read side is every entry at once, the comparators).
  localparam int RW = $clog2(NUM_RAR), VW = $clog2(NUM_VLVF), PW = (NUM_POOLS > 1) ? $clog2(NUM_POOLS) : 1;
  logic       w_ral, w_rah, w_mpsar_lo, w_mpsar_hi, w_vlvf, w_vlvfb_lo, w_vlvfb_hi;
  logic [7:0] w_rar;  // receive address n
  logic [6:0] w_vl;   // VLAN filter i
  always_comb begin
    w_ral = 1'b0; w_rah = 1'b0; w_mpsar_lo = 1'b0; w_mpsar_hi = 1'b0; w_vlvf = 1'b0;
    w_vlvfb_lo = 1'b0; w_vlvfb_hi = 1'b0; w_rar = 8'd0; w_vl = 7'd0;
    if (reg_we && a[1:0] == 2'b00) begin
      // RAL/RAH n <= 15 at 0x5400 + 8n; n >= 16 at 0x54E0 + 8(n-16) (82576) or 0xA280 + 8(n-16)
      // (82599, i.e. 0xA200 + 8n)
      if (a >= 20'h05400 && a < 20'h05480) begin
        w_rar = 8'((a - 20'h05400) >> 3);
        {w_rah, w_ral} = a[2] ? 2'b10 : 2'b01;
      end else if (!I82599 && a >= 20'h054E0 && a < 20'h05520) begin
        w_rar = 8'(((a - 20'h054E0) >> 3) + 20'd16);
        {w_rah, w_ral} = a[2] ? 2'b10 : 2'b01;
      end else if (I82599 && a >= 20'h0A280 && a < 20'h0A600) begin
        w_rar = 8'(((a - 20'h0A280) >> 3) + 20'd16);
        {w_rah, w_ral} = a[2] ? 2'b10 : 2'b01;
      end else if (I82599 && a >= 20'h0A600 && a < 20'h0AA00) begin  // MPSAR_LO/HI n
        w_rar = 8'((a - 20'h0A600) >> 3);
        {w_mpsar_hi, w_mpsar_lo} = a[2] ? 2'b10 : 2'b01;
      end
      if (!I82599 && a >= 20'h05D00 && a < 20'h05D80) begin  // VLVF
        w_vl = 7'((a - 20'h05D00) >> 2);
        w_vlvf = 1'b1;
      end else if (I82599 && a >= 20'h0F100 && a < 20'h0F200) begin  // PFVLVF
        w_vl = 7'((a - 20'h0F100) >> 2);
        w_vlvf = 1'b1;
      end else if (I82599 && a >= 20'h0F200 && a < 20'h0F400) begin  // PFVLVFB 2i, 2i+1
        w_vl = 7'((a - 20'h0F200) >> 3);
        {w_vlvfb_hi, w_vlvfb_lo} = a[2] ? 2'b10 : 2'b01;
      end
      if (32'(w_rar) >= NUM_RAR) {w_ral, w_rah, w_mpsar_lo, w_mpsar_hi} = 4'b0000;
      if (32'(w_vl) >= NUM_VLVF) {w_vlvf, w_vlvfb_lo, w_vlvfb_hi} = 3'b000;
    end
  end

  // Receive address filters: MAC, AV and pool bits (82576 RAH.POOLSEL, 82599 MPSAR_LO/HI).
  // AV is cleared by reset; the address and pool bits are undefined until written (the drivers
  // write every entry at bring-up: igb_rar_set, ixgbe_init_rx_addrs_generic).
  logic [47:0] rar_mac [0:NUM_RAR-1];
  logic [63:0] rar_pools [0:NUM_RAR-1];
  logic [NUM_RAR-1:0] rar_av;
  always_ff @(posedge clk) begin
    if (w_ral) rar_mac[w_rar[RW-1:0]][31:0] <= d;
    if (w_rah) rar_mac[w_rar[RW-1:0]][47:32] <= d[15:0];
    if (w_rah && !I82599) rar_pools[w_rar[RW-1:0]] <= {56'd0, d[25:18]} & ACTIVE;
    if (w_mpsar_lo) rar_pools[w_rar[RW-1:0]][31:0] <= d & ACTIVE[31:0];
    if (w_mpsar_hi) rar_pools[w_rar[RW-1:0]][63:32] <= d & ACTIVE[63:32];
  end
  always_ff @(posedge clk)
    if (!rst_n) rar_av <= '0;
    else if (w_rah) rar_av[w_rar[RW-1:0]] <= d[31];

  // VLAN pool filters: VID, enable and pools (82576 VLVF.POOLSEL, 82599 PFVLVFB pair); the
  // enable is cleared by reset.
  logic [11:0] vlvf_vid [0:NUM_VLVF-1];
  logic [63:0] vlvf_pools [0:NUM_VLVF-1];
  logic [NUM_VLVF-1:0] vlvf_en;
  always_ff @(posedge clk) begin
    if (w_vlvf) vlvf_vid[w_vl[VW-1:0]] <= d[11:0];
    if (w_vlvf && !I82599) vlvf_pools[w_vl[VW-1:0]] <= {56'd0, d[19:12]} & ACTIVE;
    if (w_vlvfb_lo) vlvf_pools[w_vl[VW-1:0]][31:0] <= d & ACTIVE[31:0];
    if (w_vlvfb_hi) vlvf_pools[w_vl[VW-1:0]][63:32] <= d & ACTIVE[63:32];
  end
  always_ff @(posedge clk)
    if (!rst_n) vlvf_en <= '0;
    else if (w_vlvf) vlvf_en[w_vl[VW-1:0]] <= d[31];

  // Per-pool bit writes as vectors over the pools: which pools a write sets and their new bits
  // (82576 VFRE, VFTE, DTXSWC: pools 0-7 of one register; 82599 PFVFRE/PFVFTE: 32 pools per
  // element, PFVFSPOOF: 8 pools per element).
  logic [63:0] rxen_we, rxen_val, txen_we, spoof_we, macas_val, vlanas_val, lle_we, lle_val;
  always_comb begin
    if (!I82599) begin
      rxen_we = w_vfre ? 64'hFF : 64'd0;
      txen_we = w_vfte ? 64'hFF : 64'd0;
      spoof_we = w_dtxswc ? 64'hFF : 64'd0;
      lle_we = spoof_we;
      rxen_val = {56'd0, d[7:0]};
      macas_val = {56'd0, d[7:0]};
      vlanas_val = {56'd0, d[15:8]};
      lle_val = {56'd0, d[23:16]};
    end else begin
      rxen_we = w_vfre ? (w_idx[0] ? 64'hFFFF_FFFF_0000_0000 : 64'h0000_0000_FFFF_FFFF) : 64'd0;
      txen_we = w_vfte ? (w_idx[0] ? 64'hFFFF_FFFF_0000_0000 : 64'h0000_0000_FFFF_FFFF) : 64'd0;
      spoof_we = w_spoof ? (64'hFF << {w_idx[2:0], 3'b000}) : 64'd0;
      lle_we = 64'd0;  // the 82599's PFVMTXSW (local loopback) is not in the register map
      rxen_val = {d, d};
      macas_val = {8{d[7:0]}};
      vlanas_val = {8{d[15:8]}};
      lle_val = 64'd0;
    end
    rxen_we = rxen_we & ACTIVE;
    txen_we = txen_we & ACTIVE;
    spoof_we = spoof_we & ACTIVE;
    lle_we = lle_we & ACTIVE;
  end

  // Per-pool configuration: bit vectors (bit p = pool p) cleared by reset, and per-pool fields
  // (RLPML, port VLAN: read only while their enable, written with them, is set).
  logic [63:0] p_aupe, p_rompe, p_rope, p_bam, p_mpe, p_lpe, p_rxen, p_txen, p_macas, p_vlanas,
               p_lle, p_pvins;
  logic [13:0] p_rlpml [0:NUM_POOLS-1];
  logic [11:0] p_pvlan [0:NUM_POOLS-1];
  logic vmolr_on, vmvir_on;
  assign vmolr_on = w_vmolr && 32'(w_idx) < NUM_POOLS;
  assign vmvir_on = w_vmvir && 32'(w_idx) < NUM_POOLS;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      p_aupe <= '0; p_rompe <= '0; p_rope <= '0; p_bam <= '0; p_mpe <= '0; p_lpe <= '0;
      p_rxen <= '0; p_txen <= '0; p_macas <= '0; p_vlanas <= '0; p_lle <= '0; p_pvins <= '0;
    end else begin
      if (vmolr_on) begin  // VMOLR / PFVML2FLT
        p_aupe[w_idx[5:0]] <= d[24];
        p_rompe[w_idx[5:0]] <= d[25];
        p_rope[w_idx[5:0]] <= d[26];
        p_bam[w_idx[5:0]] <= d[27];
        p_mpe[w_idx[5:0]] <= d[28];
        p_lpe[w_idx[5:0]] <= I82599 ? 1'b1 : d[16];  // no per-pool size limit on the 82599
      end
      if (vmvir_on) p_pvins[w_idx[5:0]] <= d[31:30] == 2'b01;  // VMVIR.VLANA = 1 (82576)
      p_rxen <= (p_rxen & ~rxen_we) | (rxen_val & rxen_we);
      p_txen <= (p_txen & ~txen_we) | (rxen_val & txen_we);
      p_macas <= (p_macas & ~spoof_we) | (macas_val & spoof_we);
      p_vlanas <= (p_vlanas & ~spoof_we) | (vlanas_val & spoof_we);
      p_lle <= (p_lle & ~lle_we) | (lle_val & lle_we);
    end
  end
  always_ff @(posedge clk) begin
    if (vmolr_on) p_rlpml[w_idx[PW-1:0]] <= I82599 ? 14'h3FFF : d[13:0];
    if (vmvir_on) p_pvlan[w_idx[PW-1:0]] <= d[11:0];
  end

  // ------------------------------------------------------------------ hash / VLAN tables
  // MTA, UTA, VFTA: 128 x 32-bit RAMs, one write port (the register port) and one
  // synchronous read port each, with write-to-read forwarding.
  localparam logic [19:0] MTA_BASE = 20'h05200;
  localparam logic [19:0] VFTA_BASE = I82599 ? 20'h0A000 : 20'h05600;
  localparam logic [19:0] UTA_BASE = I82599 ? 20'h0F400 : 20'h0A000;
  logic mta_we, vfta_we, uta_we;
  assign mta_we = reg_we && a >= MTA_BASE && a < MTA_BASE + 20'h200 && a[1:0] == 2'b00;
  assign vfta_we = reg_we && a >= VFTA_BASE && a < VFTA_BASE + 20'h200 && a[1:0] == 2'b00;
  assign uta_we = reg_we && a >= UTA_BASE && a < UTA_BASE + 20'h200 && a[1:0] == 2'b00;
  logic [6:0] mta_wa, vfta_wa, uta_wa;
  assign mta_wa = a[8:2] - MTA_BASE[8:2];
  assign vfta_wa = a[8:2] - VFTA_BASE[8:2];
  assign uta_wa = a[8:2] - UTA_BASE[8:2];

  // 12-bit MTA / UTA index of the incoming DA: MO 0 -> DA[47:36], 1 -> [46:35], 2 -> [45:34],
  // 3 -> [43:32] (mta_index in sorter_core.h).
  // The hash uses MO as it is after a write in the same cycle (the header sees that write).
  logic [1:0] mo_now;
  assign mo_now = (reg_we && !I82599 && a == 20'h00100) ? d[13:12]
                : (reg_we && I82599 && a == 20'h05090) ? d[1:0] : mo;
  logic [11:0] in_hash;
  always_comb begin
    case (mo_now)
      2'd0: in_hash = hdr_da[47:36];
      2'd1: in_hash = hdr_da[46:35];
      2'd2: in_hash = hdr_da[45:34];
      default: in_hash = hdr_da[43:32];
    endcase
  end

  logic [31:0] mta_mem [0:127];
  logic [31:0] uta_mem [0:127];
  logic [31:0] vfta_mem [0:127];
  logic [31:0] s1_mta_w, s1_uta_w, s1_vfta_w;
  always_ff @(posedge clk) begin
    if (mta_we) mta_mem[mta_wa] <= d;
    s1_mta_w <= (mta_we && mta_wa == in_hash[11:5]) ? d : mta_mem[in_hash[11:5]];
  end
  always_ff @(posedge clk) begin
    if (uta_we) uta_mem[uta_wa] <= d;
    s1_uta_w <= (uta_we && uta_wa == in_hash[11:5]) ? d : uta_mem[in_hash[11:5]];
  end
  always_ff @(posedge clk) begin
    if (vfta_we) vfta_mem[vfta_wa] <= d;
    s1_vfta_w <= (vfta_we && vfta_wa == hdr_vid[11:5]) ? d : vfta_mem[hdr_vid[11:5]];
  end

  // ------------------------------------------------------------------ stage 1: the header
  logic        s1_valid, s1_tx, s1_tagged;
  logic [6:0]  s1_src;
  logic [47:0] s1_da, s1_sa;
  logic [11:0] s1_vid;
  logic [15:0] s1_len;
  logic [31:0] s1_id;
  logic [4:0]  s1_hbit;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s1_valid <= 1'b0;
    end else begin
      s1_valid <= hdr_valid;
    end
    s1_tx <= hdr_tx; s1_src <= hdr_src_pool; s1_da <= hdr_da; s1_sa <= hdr_sa;
    s1_tagged <= hdr_tagged; s1_vid <= hdr_vid; s1_len <= hdr_frame_len; s1_id <= hdr_id;
    s1_hbit <= in_hash[4:0];
  end

  // ------------------------------------------------------------------ stage 2: decide
  integer i;
  logic bcast, mcast, ucast, mta_hit, uta_hit, vfta_hit;
  logic da_hit;
  logic [63:0] da_pools, sa_pools, vlvf_members;
  logic [63:0] src_bit, default_bit;
  logic        src_ok, src_macas, src_vlanas, src_lle, src_pvins;
  logic [11:0] src_pvlan, eff_vid;
  logic        eff_tagged;
  logic [63:0] oversize;
  logic        max_untagged_over, max_tagged_over;

  always_comb begin
    bcast = s1_da == 48'hFFFF_FFFF_FFFF;
    mcast = !bcast && s1_da[0];
    ucast = !s1_da[0];
    mta_hit = mcast && s1_mta_w[s1_hbit];
    uta_hit = ucast && s1_uta_w[s1_hbit];
    vfta_hit = s1_vfta_w[s1_vid[4:0]];

    // source pool (Tx)
    src_ok = s1_src < 7'(NUM_POOLS) && p_txen[s1_src[5:0]];
    src_bit = 64'd1 << s1_src[5:0];
    src_macas = p_macas[s1_src[5:0]];
    src_vlanas = p_vlanas[s1_src[5:0]];
    src_lle = p_lle[s1_src[5:0]];
    src_pvins = p_pvins[s1_src[5:0]];
    src_pvlan = p_pvlan[s1_src[PW-1:0]];
    eff_tagged = s1_tx ? (src_pvins || s1_tagged) : s1_tagged;
    eff_vid = (s1_tx && src_pvins) ? src_pvlan : s1_vid;

    // exact filters: DA (both directions), SA (Tx MAC anti-spoofing)
    da_hit = 1'b0; da_pools = 64'd0; sa_pools = 64'd0;
    for (i = 0; i < NUM_RAR; i = i + 1) begin
      if (8'(i) < rar_used && rar_av[i] && rar_mac[i] == s1_da) begin
        da_hit = 1'b1;
        da_pools = da_pools | rar_pools[i];
      end
      if (8'(i) < rar_used && rar_av[i] && rar_mac[i] == s1_sa) sa_pools = sa_pools | rar_pools[i];
    end
    if (bcast) begin
      da_hit = 1'b0; da_pools = 64'd0;
    end
    da_pools = da_pools & ACTIVE;

    // VLAN pool filters at the (effective) VID
    vlvf_members = 64'd0;
    for (i = 0; i < NUM_VLVF; i = i + 1)
      if (7'(i) < vlvf_used && vlvf_en[i] && vlvf_vid[i] == eff_vid)
        vlvf_members = vlvf_members | vlvf_pools[i];
    vlvf_members = vlvf_members & ACTIVE;

    default_bit = (64'd1 << def_pl) & ACTIVE;

    // per-pool size check: RLPML with LPE, else 1518 / 1522
    max_untagged_over = s1_len > 16'd1518;
    max_tagged_over = s1_len > 16'd1522;
    oversize = 64'd0;
    for (i = 0; i < NUM_POOLS; i = i + 1)
      oversize[i] = p_lpe[i] ? (s1_len > {2'b00, p_rlpml[i]})
                             : (s1_tagged ? max_tagged_over : max_untagged_over);
  end

  // Rx decision (classify_rx)
  logic        rx_global_l2, rx_passed, rx_to_def, rx_matched;
  logic [63:0] rx_list, rx_cand, rx_members, rx_over, rx_pools;
  logic [2:0]  rx_verdict;
  always_comb begin
    rx_matched = da_hit;
    rx_global_l2 = da_hit || (bcast && bam_g) || (mcast && (mta_hit || mpe_g)) || (ucast && (uta_hit || upe_g));
    rx_members = s1_tagged ? vlvf_members : p_aupe;
    rx_to_def = 1'b0; rx_passed = 1'b0; rx_cand = 64'd0; rx_over = 64'd0; rx_pools = 64'd0;
    rx_list = da_pools;
    rx_verdict = 3'd1;  // DropNoPool
    if (s1_tagged && vfe && !vfta_hit) begin
      rx_verdict = 3'd2;  // DropVlanFilter
      rx_matched = 1'b0;
    end else if (!vmdq) begin
      rx_passed = rx_global_l2;
      if (rx_global_l2) begin
        rx_cand = 64'd1;
        if (oversize[0]) begin
          rx_over = 64'd1;
          rx_verdict = 3'd3;
        end else begin
          rx_pools = 64'd1;
          rx_verdict = 3'd0;
        end
      end
    end else begin
      if (repl) begin
        if (bcast) rx_list = rx_list | p_bam;
        if (ucast && rx_list == 64'd0 && uta_hit) rx_list = rx_list | p_rope;
        if (mcast && rx_list == 64'd0 && mta_hit) rx_list = rx_list | p_rompe;
        if (mcast) rx_list = rx_list | p_mpe;
        rx_passed = rx_global_l2 || rx_list != 64'd0;
        if (rx_passed) begin
          if (vfe) rx_list = rx_list & rx_members;
          if (rx_list == 64'd0 && !dis_def) begin
            rx_list = default_bit;
            rx_to_def = default_bit != 64'd0;
          end
        end
      end else begin
        if (ucast && rx_list == 64'd0 && uta_hit) rx_list = rx_list | p_rope;
        rx_passed = rx_global_l2 || rx_list != 64'd0;
        if (rx_passed) begin
          if (vfe) rx_list = rx_list & rx_members;
          if (rx_list == 64'd0 && !dis_def) begin
            rx_list = default_bit;
            rx_to_def = default_bit != 64'd0;
          end
          if ((bcast || mcast) && da_pools == 64'd0) begin
            rx_list = rx_list | default_bit;
            rx_to_def = rx_to_def || default_bit != 64'd0;
          end
          rx_list = rx_list & (~rx_list + 64'd1);  // the lowest pool
          rx_to_def = rx_to_def && rx_list == default_bit;
        end
      end
      if (rx_passed) begin
        rx_cand = rx_list;
        if (rx_list != 64'd0) begin
          rx_list = rx_list & p_rxen;
          if (rx_list == 64'd0) begin
            rx_verdict = 3'd4;  // DropPoolDisabled
          end else begin
            rx_over = rx_list & oversize;
            rx_list = rx_list & ~oversize;
            if (rx_list == 64'd0) begin
              rx_verdict = 3'd3;  // DropSize
            end else begin
              rx_pools = rx_list;
              rx_verdict = 3'd0;  // Deliver
            end
          end
        end
      end
    end
  end

  // Tx decision (switch_tx)
  logic        tx_wire, tx_smac, tx_svlan, tx_drop, tx_dis, tx_exact;
  logic [63:0] tx_list, tx_members, tx_loop;
  always_comb begin
    tx_wire = 1'b0; tx_smac = 1'b0; tx_svlan = 1'b0; tx_drop = 1'b0; tx_dis = 1'b0;
    tx_exact = 1'b0; tx_loop = 64'd0; tx_list = 64'd0;
    tx_members = eff_tagged ? vlvf_members : p_aupe;
    if (!vmdq) begin
      tx_wire = 1'b1;
    end else if (!src_ok) begin
      tx_dis = 1'b1; tx_drop = 1'b1;
    end else begin
      if (src_macas) tx_smac = (sa_pools & src_bit) == 64'd0;
      if (src_pvins) tx_svlan = src_vlanas && s1_tagged;
      else if (src_vlanas && s1_tagged) tx_svlan = (vlvf_members & src_bit) == 64'd0;
      if (tx_smac || tx_svlan) begin
        tx_drop = 1'b1;
      end else if (!glb_lb) begin
        tx_wire = 1'b1;
      end else begin
        tx_list = da_pools & p_rxen;
        tx_exact = tx_list != 64'd0;
        if (repl) begin
          if (bcast) tx_list = tx_list | p_bam;
          if (ucast && tx_list == 64'd0 && uta_hit) tx_list = tx_list | p_rope;
          if (mcast && tx_list == 64'd0 && mta_hit) tx_list = tx_list | p_rompe;
          if (mcast) tx_list = tx_list | p_mpe;
          if (!src_lle) tx_list = tx_list & ~src_bit;
          if (vfe) tx_list = tx_list & tx_members;
        end else begin
          if (ucast && tx_list == 64'd0 && uta_hit) tx_list = tx_list | p_rope;
          if (vfe) tx_list = tx_list & tx_members;
          if ((bcast || mcast) && (da_pools & p_rxen) == 64'd0) tx_list = tx_list | default_bit;
          if (!src_lle) tx_list = tx_list & ~src_bit;
        end
        tx_wire = bcast || mcast || !tx_exact;
        tx_list = tx_list & p_rxen;
        if (!repl) tx_list = tx_list & (~tx_list + 64'd1);
        tx_loop = tx_list;
        tx_drop = !tx_wire && tx_list == 64'd0;
      end
    end
  end

  // ------------------------------------------------------------------ result registers
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      res_valid <= 1'b0;
    end else begin
      res_valid <= s1_valid;
    end
    res_tx <= s1_tx;
    res_id <= s1_id;
    res_pools <= s1_tx ? tx_loop : rx_pools;
    res_verdict <= rx_verdict;
    res_matched_rar <= rx_matched;
    res_to_default_pool <= rx_to_def;
    res_passed_l2 <= rx_passed;
    res_candidate_pools <= rx_cand;
    res_oversize_pools <= rx_over;
    res_to_wire <= tx_wire;
    res_spoof_mac <= tx_smac;
    res_spoof_vlan <= tx_svlan;
    res_drop <= tx_drop;
    res_tx_disabled <= tx_dis;
    res_exact_match <= tx_exact;
    res_effective_vid <= (vmdq && src_ok) ? eff_vid : s1_vid;
    res_effective_tagged <= (vmdq && src_ok) ? eff_tagged : s1_tagged;
  end

endmodule
