#!/usr/bin/env python3
"""The registers a guest driver touched in an `iovsim serve` session, as a markdown table.

  register_table.py SERVE.json   (the --json of iovsim serve; igb_guest.py writes WORK/serve.json)

One row per register (array elements together: MTA[0..127] is one row), with the number of
reads and writes, the first and last values the model answered, the last value written, and
accesses the model refused (a reserved offset: read as 0, the write ignored).
"""
import json, re, sys
from collections import OrderedDict


def main():
    m = json.load(open(sys.argv[1]))
    rows = OrderedDict()
    for e in m["remote"]["registers"]["bar0"]:
        name = e["register"]
        mm = re.match(r"^(.*)\[(\d+)\]$", name)
        key, idx = (mm.group(1), int(mm.group(2))) if mm else (name, None)
        r = rows.setdefault(key, {"reads": 0, "writes": 0, "refused": 0, "idx": set(), "first": None, "last": None, "max": 0, "lw": None})
        r["reads"] += e["reads"]
        r["writes"] += e["writes"]
        r["refused"] += e.get("refused", 0)
        if idx is not None:
            r["idx"].add(idx)
        if "first_read" in e and r["first"] is None:
            r["first"] = e["first_read"]
        if "last_read" in e:
            r["last"] = e["last_read"]
        if "max_read" in e:
            r["max"] = max(r["max"], int(e["max_read"], 16))
        if "last_write" in e:
            r["lw"] = e["last_write"]
    print("| register | elements | reads | writes | model's first / last answer | largest answer | last written | refused |")
    print("|---|---|---|---|---|---|---|---|")
    for k in sorted(rows, key=lambda s: (s.startswith("0x"), s)):
        r = rows[k]
        el = "" if not r["idx"] else (str(min(r["idx"])) if len(r["idx"]) == 1 else f"{min(r['idx'])}-{max(r['idx'])} ({len(r['idx'])})")
        ans = "" if r["first"] is None else (r["first"] if r["first"] == r["last"] else f"{r['first']} / {r['last']}")
        mx = f"{r['max']:#010x}" if r["reads"] else ""
        print(f"| {k} | {el} | {r['reads']} | {r['writes']} | {ans} | {mx} | {r['lw'] or ''} | {r['refused'] or ''} |")
    cfg = m["remote"]["registers"]["config"]
    reads = sum(e["reads"] for e in cfg)
    writes = sum(e["writes"] for e in cfg)
    print(f"\nConfig space: {reads} reads and {writes} writes at {len(cfg)} offset/length pairs.")


if __name__ == "__main__":
    main()
