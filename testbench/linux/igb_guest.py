#!/usr/bin/env python3
"""The real Linux igb driver against iovsim's 82576 PF (docs/linux.md).

Boots Debian's kernel under QEMU (TCG) with a busybox initramfs; the guest's QEMU has an
x-pci-proxy-dev whose remote end is `iovsim serve`. The guest loads igb, brings eth0 up and
pings the scenario's link partner; then the harness checks: no loss, the guest's interface
counters equal the model's counts for the PF, the guest's config space equals `iovsim lspci`
(the bytes firmware and drivers program excepted), and dmesg has no igb error.

  igb_guest.py --iovsim build/iovsim --work DIR [--scenario FILE] [--count N] [--interval S]
               [--kernel-dir D] [--igb-ko FILE] [--timeout S]

The kernel (linux-image-amd64's current package) is downloaded with `apt-get download` into
WORK and unpacked with dpkg-deb (not installed). Exit 0: every check passed.
"""
import argparse, gzip, json, os, re, shutil, socket, stat, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_ADDR, PARTNER_ADDR = "10.0.2.15", "10.0.2.2"


def fail(msg):
    print(f"igb_guest: FAIL: {msg}", flush=True)
    sys.exit(1)


def kernel_package(work):
    """The kernel package linux-image-amd64 depends on, unpacked into WORK/kernel."""
    kdir = os.path.join(work, "kernel")
    if os.path.isdir(os.path.join(kdir, "boot")):
        return kdir
    dep = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Depends: (linux-image-[0-9][^\s]*-amd64)\b", dep)
    if not m:
        fail(f"cannot tell which kernel linux-image-amd64 depends on:\n{dep}")
    pkg = m.group(1)
    dl = os.path.join(work, "deb")
    os.makedirs(dl, exist_ok=True)
    for f in os.listdir(dl):
        os.remove(os.path.join(dl, f))
    subprocess.run(["apt-get", "download", "-q", pkg], cwd=dl, check=True)
    deb = [f for f in os.listdir(dl) if f.endswith(".deb")][0]
    tmp = kdir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", os.path.join(dl, deb), tmp], check=True)
    os.rename(tmp, kdir)
    return kdir


def find(root, name):
    for d, _, files in os.walk(root):
        for f in files:
            if f == name:
                return os.path.join(d, f)
    return None


def initramfs(work, kdir, count, interval, own=None):
    """A newc cpio (gzip) with busybox, the three modules igb needs and testbench/linux/init.sh."""
    root = os.path.join(work, "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "proc", "sys", "dev", "tmp", "lib/modules"):
        os.makedirs(os.path.join(root, d))
    shutil.copy("/bin/busybox", os.path.join(root, "bin/busybox"))
    for m in ("dca", "i2c-algo-bit", "igb"):
        if m == "igb" and own:  # the user's own build of the driver (for the same kernel)
            shutil.copy(own, os.path.join(root, "lib/modules/igb.ko"))
            continue
        path = find(kdir, m + ".ko")
        if not path:
            xz = find(kdir, m + ".ko.xz")
            if not xz:
                fail(f"module {m}.ko not in the kernel package")
            subprocess.run(["xz", "-dkf", xz], check=True)
            path = xz[:-3]
        shutil.copy(path, os.path.join(root, "lib/modules", m + ".ko"))
    init = open(os.path.join(HERE, "init.sh")).read()
    init = init.replace("@PARTNER@", PARTNER_ADDR).replace("@ADDR@", GUEST_ADDR)
    init = init.replace("@COUNT@", str(count)).replace("@INTERVAL@", str(interval))
    with open(os.path.join(root, "init"), "w") as f:
        f.write(init)
    os.chmod(os.path.join(root, "init"), 0o755)
    names = subprocess.run(["find", "."], cwd=root, capture_output=True, text=True, check=True).stdout
    cpio = subprocess.run(["/bin/busybox", "cpio", "-o", "-H", "newc"], cwd=root, input=names.encode(),
                          capture_output=True, check=True).stdout
    out = os.path.join(work, "initramfs.cpio.gz")
    with gzip.open(out, "wb") as f:
        f.write(cpio)
    return out


def lspci_bytes(iovsim, scenario, sets):
    """Port 0's PF config space (256 bytes) as `iovsim lspci -xxx` prints it."""
    cmd = [iovsim, "lspci", "-xxx"] + ([scenario] if scenario else []) + sum((["--set", s] for s in sets), [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    blocks, cur = [], None
    for line in out.splitlines():
        if re.match(r"^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ", line):
            cur = bytearray()
            blocks.append((line, cur))
        elif cur is not None and re.match(r"^[0-9a-f]{2,3}: ", line):
            cur.extend(bytes.fromhex(line.split(":", 1)[1].replace(" ", "")))
    if not blocks:
        fail(f"no config space in `{' '.join(cmd)}`:\n{out}")
    return blocks[0][0], bytes(blocks[0][1][:256])


def programmable(cfg):
    """Offsets of the bytes firmware, the kernel and the driver write (compared as not equal)."""
    skip = set(range(0x04, 0x08)) | {0x0C, 0x0D, 0x3C} | set(range(0x10, 0x28))
    p, seen = cfg[0x34] & 0xFC, set()
    while p and p not in seen and p < 0x100:
        seen.add(p)
        cid = cfg[p]
        if cid == 0x01:    # power management: PMCSR
            skip |= set(range(p + 4, p + 6))
        elif cid == 0x05:  # MSI: control, address, data, mask
            skip |= set(range(p + 2, p + 0x18))
        elif cid == 0x11:  # MSI-X: control
            skip |= set(range(p + 2, p + 4))
        elif cid == 0x10:  # PCI Express: device control and status, link control and status, device control 2
            skip |= set(range(p + 8, p + 0xC)) | set(range(p + 0x10, p + 0x14)) | set(range(p + 0x28, p + 0x2C))
        p = cfg[p + 1] & 0xFC
    return skip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iovsim", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--scenario", default=os.path.join(HERE, "igb_guest.yaml"))
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--interval", default="0.2")
    ap.add_argument("--timeout", type=float, default=150)
    ap.add_argument("--traffic-us", default="20000000",
                    help="the scenario's wire traffic lasts this long from the start (it must end before the pings do)")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--igb-ko", help="an igb.ko of your own, built for the package's kernel, instead of the package's")
    ap.add_argument("--kernel-dir", help="an unpacked kernel package (boot/vmlinuz-*, lib/modules/...) instead of downloading one")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    t0 = time.time()
    kdir = args.kernel_dir or kernel_package(args.work)
    vmlinuz = [f for f in os.listdir(os.path.join(kdir, "boot")) if f.startswith("vmlinuz-")][0]
    ird = initramfs(args.work, kdir, args.count, args.interval, args.igb_ko)
    t_prep = time.time() - t0

    metrics = os.path.join(args.work, "serve.json")
    console = os.path.join(args.work, "console.txt")
    for f in (metrics, console):
        if os.path.exists(f):
            os.remove(f)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    serve = subprocess.Popen([args.iovsim, "serve", "--mpqemu-fd", str(a.fileno()), args.scenario, "--json", metrics,
                              "--traffic-us", args.traffic_us,
                              "--log", os.path.join(args.work, "serve.log"), "--log-filter", "mmio"],
                             pass_fds=[a.fileno()], stderr=open(os.path.join(args.work, "serve.err"), "w"))
    a.close()
    # Debian's qemu-system-x86 (7.2): guest RAM from a shared memfd (the remote maps it), no
    # default devices, the proxy in slot 3. The kernel: no MSI (the proxy carries INTx only),
    # and igb's legacy handler polled at every timer tick (irqpoll: QEMU 7.2 routes the proxy's
    # irqfd into KVM's irqchip only, so under TCG the line never reaches the guest).
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-accel", args.accel, "-m", "256", "-nodefaults", "-display", "none", "-no-reboot",
         "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-machine", "pc,memory-backend=mem",
         "-serial", f"file:{console}", "-kernel", os.path.join(kdir, "boot", vmlinuz), "-initrd", ird,
         "-append", "console=ttyS0 panic=-1 pci=nomsi irqpoll nolapic_timer nohz=off loglevel=6",
         "-device", f"x-pci-proxy-dev,id=nic0,fd={b.fileno()},addr=3"],
        pass_fds=[b.fileno()], stderr=open(os.path.join(args.work, "qemu.err"), "w"))
    b.close()
    try:
        qemu.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        qemu.kill()
        serve.kill()
        fail(f"the guest did not finish in {args.timeout} s (console: {console})")
    try:
        serve_rc = serve.wait(timeout=30)
    except subprocess.TimeoutExpired:
        serve.kill()
        fail("iovsim serve did not end after the guest")
    t_run = time.time() - t0 - t_prep
    text = open(console, errors="replace").read()
    if serve_rc != 0:
        fail(f"iovsim serve exited {serve_rc}: {open(os.path.join(args.work, 'serve.err')).read()}")
    m = json.load(open(metrics))
    marks = {}
    for line in text.splitlines():
        if line.startswith("@@"):
            k, _, v = line[2:].partition(" ")
            marks.setdefault(k, []).append(v.strip())
    if "DONE" not in marks:
        fail(f"the guest's script did not finish; console:\n{text[-4000:]}")
    for k in ("INSMOD_FAILED",):
        if k in marks:
            fail(f"insmod failed: {marks[k]}")
    checks = []

    def check(ok, what):
        checks.append((ok, what))
        print(f"igb_guest: {'ok  ' if ok else 'FAIL'} {what}", flush=True)

    check(marks.get("DRIVER", [""])[0] == "igb", f"eth0 is bound to igb ({marks.get('DRIVER')})")
    check(marks.get("CARRIER", ["0"])[0].startswith("1"), f"carrier up ({marks.get('CARRIER')})")
    ping = " ".join(marks.get("PING", []))
    pm = re.search(r"(\d+) packets transmitted, (\d+) packets received", ping)
    check(bool(pm) and int(pm.group(1)) == args.count and int(pm.group(2)) == args.count,
          f"{args.count} pings, no loss ({ping})")
    stats = {l.split()[0]: int(l.split()[1]) for l in marks.get("STAT", []) if len(l.split()) == 2}
    pf = next(f for f in m["functions"] if f["name"] == "port0.pf")
    model = {"rx_packets": pf["rx_frames"], "tx_packets": pf["tx_frames"]}
    for k in ("rx_packets", "tx_packets"):
        check(stats.get(k) == model[k], f"guest {k} {stats.get(k)} == the model's {model[k]}")
    # igb counts Rx bytes without the FCS (RCTL.SECRC strips it; the model's frame lengths
    # include it) and Tx bytes as it posted them (tx_host_bytes: before padding and FCS).
    model_bytes = {"rx_bytes": pf["rx_bytes"] - 4 * pf["rx_frames"], "tx_bytes": pf["tx_host_bytes"]}
    for k in ("rx_bytes", "tx_bytes"):
        check(stats.get(k) == model_bytes[k], f"guest {k} {stats.get(k)} == the model's {model_bytes[k]}")
    for k in ("rx_errors", "tx_errors", "rx_dropped", "tx_dropped"):
        check(stats.get(k) == 0, f"guest {k} is 0 ({stats.get(k)})")
    lp = m.get("ports", [{}])[0].get("link_partner", {})
    check(lp.get("echo_replies") == args.count, f"the link partner answered {lp.get('echo_replies')} echo requests")
    # traceroute's UDP probes go out with checksum offload (a context descriptor, TXSM): the
    # link partner receives them with correct checksums.
    check(lp.get("udp_datagrams", 0) >= 3 and lp.get("udp_bad_checksum", 1) == 0,
          f"{lp.get('udp_datagrams')} UDP datagrams with the device's checksum, {lp.get('udp_bad_checksum')} wrong")
    # The scenario's wire source sends to the PF's MAC too: those frames reach the guest (or are
    # dropped with a reason while its rings are down; serve checks the ledger).
    from_wire = pf["rx_frames"] - lp.get("echo_replies", 0) - lp.get("arp_replies", 0)
    drops = {k: v for k, v in pf["drops"].items() if v}
    check(from_wire > 0 or m["ports"][0]["wire_rx_frames"] == lp.get("echo_replies", 0) + lp.get("arp_replies", 0),
          f"{from_wire} frames of the wire source delivered to the guest (the PF's drops: {drops})")
    # Config space: the guest's /sys view against `iovsim lspci -xxx` of the same scenario.
    guest_cfg = bytes.fromhex(marks.get("CONFIG", [""])[0])
    head, ref = lspci_bytes(args.iovsim, args.scenario, ["device.vfs_per_port=0"])
    skip = programmable(ref)
    diff = [o for o in range(min(len(guest_cfg), 256)) if o not in skip and guest_cfg[o] != ref[o]]
    check(len(guest_cfg) == 256 and not diff,
          f"guest config space == `iovsim lspci -xxx` ({head.split()[0]}; {256 - len(skip)} bytes compared"
          + (", differ at " + ", ".join(f"{o:#04x}: guest {guest_cfg[o]:02x} model {ref[o]:02x}" for o in diff[:8]) if diff else "") + ")")
    dmesg = marks.get("DMESG", [])
    bad = [l for l in dmesg if re.search(r"igb.*(error|fail|hang|invalid|not valid|unable)", l, re.I)]
    check(not bad and any("Intel(R) Gigabit Ethernet" in l or "igb: eth0" in l or "Link is Up" in l for l in dmesg),
          f"dmesg: igb probed and linked, no error line ({len(bad)} bad: {bad[:3]})")
    print(f"igb_guest: prepare {t_prep:.1f} s, guest and model {t_run:.1f} s, {m['remote']['messages']} proxy requests",
          flush=True)
    with open(os.path.join(args.work, "dmesg.txt"), "w") as f:
        f.write("\n".join(dmesg) + "\n")
    sys.exit(0 if all(ok for ok, _ in checks) else 1)


if __name__ == "__main__":
    main()
