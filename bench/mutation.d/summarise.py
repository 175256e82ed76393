"""Summarises PIT's mutations.xml: kill rate per class and overall, and surviving mutants in safety
rules that explained.tsv does not explain. Exit 1 when the first report's rate is below --target or
an unexplained safety-rule survivor remains."""
import argparse
import collections
import sys
import xml.etree.ElementTree as ET

# Classes whose every surviving mutant must be killed or explained: they decide what is served.
SAFETY = ("io.waymark.core.planner.", "io.waymark.core.enactor.ChangeGuard", "io.waymark.core.model.RecordSet",
          "io.waymark.core.invariant.")


def load(path):
    out = []
    for m in ET.parse(path).getroot().iter("mutation"):
        out.append({
            "status": m.get("status"),
            "cls": m.findtext("mutatedClass"),
            "method": m.findtext("mutatedMethod"),
            "line": m.findtext("lineNumber"),
            "mutator": m.findtext("mutator").rsplit(".", 1)[-1],
            "desc": m.findtext("description"),
        })
    return out


def explained(path):
    keys = {}
    try:
        with open(path) as f:
            for raw in f:
                if not raw.strip() or raw.startswith("#"):
                    continue
                cls, method, mutator, reason = raw.rstrip("\n").split("\t", 3)
                keys[(cls, method, mutator)] = reason
    except FileNotFoundError:
        pass
    return keys


def key(m, why):
    """The explanation of one survivor: one pinned to its line ("method:line") first, else the method's.
    A pinned one stops matching when the line moves, which asks for a fresh look instead of silently
    covering whatever mutant lands on that line next."""
    pinned = (m["cls"], f'{m["method"]}:{m["line"]}', m["mutator"])
    return pinned if pinned in why else (m["cls"], m["method"], m["mutator"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=float, default=90.0)
    ap.add_argument("--explained", required=True)
    ap.add_argument("reports", nargs="+")
    a = ap.parse_args()
    why = explained(a.explained)
    used = set()
    seen_classes = set()
    ok = True
    for i, report in enumerate(a.reports):
        ms = load(report)
        seen_classes.update(m["cls"] for m in ms)
        per = collections.defaultdict(lambda: [0, 0, 0])  # killed, total, no coverage
        for m in ms:
            c = per[m["cls"]]
            c[1] += 1
            if m["status"] in ("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR"):
                c[0] += 1
            if m["status"] == "NO_COVERAGE":
                c[2] += 1
        killed = sum(v[0] for v in per.values())
        total = sum(v[1] for v in per.values())
        rate = 100.0 * killed / total if total else 100.0
        print(f"== {report}: {killed} of {total} mutants killed ({rate:.1f}%), "
              f"{sum(v[2] for v in per.values())} with no coverage")
        for cls in sorted(per, key=lambda c: per[c][0] / per[c][1]):
            k, t, nc = per[cls]
            print(f"  {100.0 * k / t:5.1f}%  {k:4d}/{t:<4d} no-coverage {nc:<3d} {cls}")
        if i == 0 and rate < a.target:
            print(f"kill rate {rate:.1f}% is below the target {a.target:.0f}%")
            ok = False
        survivors = [m for m in ms if m["status"] in ("SURVIVED", "NO_COVERAGE") and m["cls"].startswith(SAFETY)]
        unexplained = [m for m in survivors if key(m, why) not in why]
        print(f"  safety-rule survivors: {len(survivors)}, explained {len(survivors) - len(unexplained)}, unexplained {len(unexplained)}")
        for m in survivors:
            used.add(key(m, why))
            reason = why.get(key(m, why))
            tag = "explained: " + reason if reason else "UNEXPLAINED"
            print(f"    {m['cls']}.{m['method']}:{m['line']} {m['mutator']} ({m['desc']}) -- {tag}")
        if unexplained:
            ok = False
    # An explanation no survivor needs any more would silently cover a new mutant with the same key:
    # say so (informational), for the classes these reports cover.
    for cls, method, mutator in sorted(k for k in set(why) - used if k[0] in seen_classes):
        print(f"  explained, but not surviving in these reports: {cls}.{method} {mutator}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
