#!/usr/bin/env python3
"""Workloads beyond the shared one (gen_zone.py stays byte for byte the shared generator).

  gen_workload.py large DIR [--records N]   gen_zone.py's shape scaled to N records (default 1,000,000):
      ep0..epK with 1-8 A each, every 4th also 1-4 AAAA; queries as gen_zone.py mixes them.
  gen_workload.py real DIR [--names N]      the second workload, shaped like real traffic (see real()).

Writes DIR/zones/example.test.zone and DIR/data/queries*.txt. Deterministic (seed 42).
"""
import argparse
import os
import random
import sys

HEAD = ["$ORIGIN example.test.", "$TTL 300",
        "@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 604800 300",
        "@ IN NS ns1.example.test.",
        "ns1 IN A 127.0.0.1"]


def address_records(i, rnd):
    """gen_zone.py's endpoint shape (1-8 A; every 4th name 1-4 AAAA), for any index."""
    out = []
    for k in range(rnd.randint(1, 8)):
        out.append(f"ep{i} IN A 10.{(i >> 8) & 255}.{i & 255}.{k + 1}")
    has_aaaa = i % 4 == 0
    if has_aaaa:
        for k in range(rnd.randint(1, 4)):
            out.append(f"ep{i} IN AAAA fd00::{i >> 16:x}:{i & 0xffff:x}:{k + 1}")
    return out, has_aaaa


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def large(out, records):
    """A zone of at least `records` records (SOA, NS and glue included) and 100k queries over it."""
    if records < 10 or records > 10_000_000:
        sys.exit(f"gen_workload: --records must be within 10..10,000,000, got {records}")
    rnd = random.Random(42)
    lines = list(HEAD)
    a_names, aaaa_names = [], []
    i = 0
    while len(lines) - 2 < records:  # the two directives are not records
        recs, has_aaaa = address_records(i, rnd)
        lines.extend(recs)  # the last name may overshoot by at most 11 records
        a_names.append(f"ep{i}")
        if has_aaaa:
            aaaa_names.append(f"ep{i}")
        i += 1
    write(os.path.join(out, "zones", "example.test.zone"), lines)
    q = []
    for _ in range(100_000):
        r = rnd.random()
        if r < 0.05:
            q.append(f"nx{rnd.randint(0, 999999)}.example.test. A")
        elif r < 0.25 and aaaa_names:
            q.append(f"{rnd.choice(aaaa_names)}.example.test. AAAA")
        else:
            q.append(f"{rnd.choice(a_names)}.example.test. A")
    write(os.path.join(out, "data", "queries.txt"), q)
    print(f"{len(lines) - 2} records, {i} endpoint names")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    lg = sub.add_parser("large")
    lg.add_argument("dir")
    lg.add_argument("--records", type=int, default=1_000_000)
    rl = sub.add_parser("real")
    rl.add_argument("dir")
    rl.add_argument("--names", type=int, default=100_000)
    args = ap.parse_args(argv)
    if args.mode == "large":
        large(args.dir, args.records)
    else:
        real(args.dir, args.names)


if __name__ == "__main__":
    main(sys.argv[1:])
