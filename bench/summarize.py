#!/usr/bin/env python3
"""Medians and iocert/peer ratios from the rows a bench script collected.

usage: summarize.py ROWS CASES METRICS [PEER_LABEL]
  ROWS      tab-separated lines: round, tool (iocert or the peer), case, metric, value
  CASES     comma-separated case names, in print order (cases without rows are skipped)
  METRICS   comma-separated metric names, in print order
"""
import collections
import statistics
import sys

rows, cases, metrics = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
peer_label = sys.argv[4] if len(sys.argv) > 4 else "fio"
vals = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(rows):
    _, tool, case, metric, v = line.rstrip("\n").split("\t")
    vals[(case, metric)]["iocert" if tool == "iocert" else "peer"].append(float(v))

width = max(len(c) for c in cases + ["workload"]) + 2
num = lambda x: f"{x:.0f}" if abs(x) >= 10 else f"{x:.2f}"   # small figures (requests/op) keep decimals
fmt = lambda xs: " ".join(num(x) for x in xs)
cells = {}
for case in cases:
    for metric in metrics:
        got = vals.get((case, metric))
        if not got or not got["iocert"] or not got["peer"]:
            continue
        a, b = got["iocert"], got["peer"]
        ma, mb = statistics.median(a), statistics.median(b)
        cells[(case, metric)] = (fmt(a) + " -> " + num(ma), fmt(b) + " -> " + num(mb), ma / mb)
# Columns as wide as their longest entry (many rounds of large values), at least 30.
col = max([30] + [len(c[0]) + 2 for c in cells.values()] + [len(c[1]) + 2 for c in cells.values()])
mw = max([8] + [len(m) + 1 for m in metrics])
print(f"{'workload':<{width}}{'metric':<{mw}}{'iocert (rounds)':<{col}} {peer_label + ' (rounds)':<{col}} {'median ratio':>12}")
for case in cases:
    for metric in metrics:
        if (case, metric) in cells:
            ia, pb, ratio = cells[(case, metric)]
            print(f"{case:<{width}}{metric:<{mw}}{ia:<{col}} {pb:<{col}} {ratio:>12.3f}")
