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


def zipf_ranks(rnd, n, count, s=1.0):
    """`count` draws of ranks 0..n-1 with P(rank k) ∝ 1/(k+1)^s (bisect over the cumulative weights)."""
    import bisect
    import itertools
    cum = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))
    return [bisect.bisect_left(cum, rnd.random() * cum[-1]) for _ in range(count)]


def random_case(rnd, name):
    """DNS 0x20: resolvers randomise the case of each letter (draft-vixie-dnsext-dns0x20)."""
    return "".join(c.upper() if c.isalpha() and rnd.random() < 0.5 else c for c in name)


def real(out, names):
    """The second workload: where real traffic differs from the default one.

    Zone: `names` endpoints ep0.. with 1-4 A (every 3rd also 1-2 AAAA), every 10th an MX pair whose
    targets the zone holds (additional section), every 5th a TXT (SPF-like, 60-200 bytes); 2% CNAME
    names www<i> → ep<j>; a wildcard *.cdn; at the apex MX, TXT and four 256-byte DNSKEY (an unsigned
    zone holding keys: a 1,100-byte answer, truncated without EDNS); 20 names big<k> with a 1,600-byte
    TXT RRset (truncated even with EDNS at the 1,232-byte payload every server here caps at).
    Queries (200k): names drawn Zipf(1) over a shuffled order (a few names get most of the traffic),
    every name's letters in random case (0x20); 55% A, 17% AAAA, 3% MX, 4% TXT, 2% CNAME names, 2%
    wildcard, 1% DNSKEY, 1% big TXT, 7% NODATA (AAAA/MX/TXT a name lacks), 8% NXDOMAIN (half below
    an existing name). EDNS with and without DO comes from running two dnsperf at once (dns-qps).
    """
    if names < 100 or names > 2_000_000:
        sys.exit(f"gen_workload: --names must be within 100..2,000,000, got {names}")
    rnd = random.Random(42)
    lines = list(HEAD) + [
        "@ IN MX 10 mx1.example.test.", "@ IN MX 20 mx2.example.test.",
        '@ IN TXT "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 include:_spf.example.net -all"',
        "mx1 IN A 192.0.2.25", "mx2 IN A 192.0.2.26", "mx2 IN AAAA 2001:db8::26",
        "*.cdn IN A 203.0.113.10", "*.cdn IN A 203.0.113.11",
    ]
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    for flags in (256, 256, 257, 257):  # two ZSKs, two KSKs; 256 bytes of key each (RSA-2048-sized)
        key = "".join(rnd.choice(b64) for _ in range(344))
        lines.append(f"@ IN DNSKEY {flags} 3 8 {key}")
    has_aaaa, has_mx, has_txt = set(), set(), set()
    for i in range(names):
        for k in range(rnd.randint(1, 4)):
            lines.append(f"ep{i} IN A 10.{(i >> 8) & 255}.{i & 255}.{k + 1}")
        if i % 3 == 0:
            has_aaaa.add(i)
            for k in range(rnd.randint(1, 2)):
                lines.append(f"ep{i} IN AAAA fd00::{i >> 16:x}:{i & 0xffff:x}:{k + 1}")
        if i % 10 == 0:
            has_mx.add(i)
            lines.append(f"ep{i} IN MX 10 mx1.example.test.")
            lines.append(f"ep{i} IN MX 20 mx2.example.test.")
        if i % 5 == 0:
            has_txt.add(i)
            text = "".join(rnd.choice(b64) for _ in range(rnd.randint(60, 200)))
            lines.append(f'ep{i} IN TXT "site-verification={text}"')
    cnames = max(1, names // 50)
    for c in range(cnames):
        lines.append(f"www{c} IN CNAME ep{rnd.randrange(names)}.example.test.")
    for k in range(20):
        strings = " ".join('"' + "".join(rnd.choice(b64) for _ in range(200)) + '"' for _ in range(8))
        lines.append(f"big{k} IN TXT {strings}")
    write(os.path.join(out, "zones", "example.test.zone"), lines)

    count = 200_000
    order = list(range(names))
    rnd.shuffle(order)  # popularity rank → name: the popular names are spread over the zone
    ranks = iter(zipf_ranks(rnd, names, count))
    q = []
    for _ in range(count):
        r = rnd.random()
        i = order[next(ranks)]
        if r < 0.55:
            name, qtype = f"ep{i}", "A"
        elif r < 0.72:
            pick = i if i in has_aaaa else i - i % 3
            name, qtype = f"ep{pick}", "AAAA"
        elif r < 0.75:
            name, qtype = f"ep{i - i % 10}", "MX"
        elif r < 0.79:
            name, qtype = f"ep{i - i % 5}", "TXT"
        elif r < 0.81:
            name, qtype = f"www{i % cnames}", "A"
        elif r < 0.83:
            name, qtype = f"x{rnd.randrange(100000)}.cdn", "A"
        elif r < 0.84:
            name, qtype = "", "DNSKEY"
        elif r < 0.85:
            name, qtype = f"big{rnd.randrange(20)}", "TXT"
        elif r < 0.92:  # NODATA: the name exists, the type does not (AAAA, MX or SRV)
            if rnd.random() < 0.7:
                j = i if i not in has_aaaa else i + 1
                name, qtype = (f"ep{j}", "AAAA") if j < names and j not in has_aaaa else (f"ep{i}", "SRV")
            else:
                j = i if i not in has_mx else i + 1
                name, qtype = (f"ep{j}", "MX") if j < names and j not in has_mx else (f"ep{i}", "SRV")
        elif r < 0.96:
            name, qtype = f"nx{rnd.randrange(10_000_000)}", "A"
        else:
            name, qtype = f"nx.ep{i}", "A"  # below an existing name: NXDOMAIN, not NODATA
        fq = (name + "." if name else "") + "example.test."
        q.append(f"{random_case(rnd, fq)} {qtype}")
    write(os.path.join(out, "data", "queries.txt"), q)
    print(f"{len(lines) - 2} records, {names} endpoint names, {count} queries")


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
