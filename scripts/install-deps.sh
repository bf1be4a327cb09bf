#!/usr/bin/env bash
# Installs the Debian packages iovsim needs, and only those that are missing.
# Does nothing (and needs no privileges) when everything is present.
# `install-deps.sh fuzz` adds what the libFuzzer harnesses need (clang and its runtime),
# `install-deps.sh test` what the test suite needs besides the build (tshark, slurm-wlm, munge,
# QEMU and busybox for the Linux guest).
set -euo pipefail
pkgs=(build-essential cmake pkg-config libsystemc-dev catch2 libfmt-dev libyaml-cpp-dev
      nlohmann-json3-dev libcli11-dev libpcap-dev zlib1g-dev libbenchmark-dev verilator yosys
      gnuplot-nox)  # iovsim sweep draws its plots with gnuplot
for set in "$@"; do
  case "$set" in
    fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
    # The test suite decodes every capture with Wireshark's dissectors and runs a sweep on a
    # one-node Slurm cluster it starts itself.
    # (procps, iproute2 and python3: pgrep, ss and the JSON checks of the test scripts;
    # qemu-system-x86 and busybox-static: the real igb driver's guest, testbench/linux.)
    test) pkgs+=(tshark slurm-wlm munge procps iproute2 python3 qemu-system-x86 busybox-static) ;;
    *) echo "install-deps: unknown package set '$set' (known: fuzz, test)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
