#!/usr/bin/env python3
"""Verdicts on real results at thresholds 2x and 10x away, for two builds side by side.

    bench/stats/real-margins.py BASE_SPEC OLD_IOCERT NEW_IOCERT RESULT_DIR...

BASE_SPEC is a spec with the results' requirements (e.g. `iocert spec derive --from R --slack 0%`);
its expectations are replaced: per-operation metrics (latency, rtt, hiccup) get p50, p90 and p99
"<=" thresholds, rates (throughput, iops, ops) p10 and p50 ">=" thresholds, each at 2x (then 10x)
the median over all results of that statistic's estimate (measured with NEW_IOCERT). Every
result.json under the RESULT_DIRs is then certified by both builds; the script prints the verdict
counts and, per statistic, how many were not PASS. Works in the current directory (probe.yaml,
x2.yaml, x10.yaml are written there; it stops if any of them exists).
"""
import json, subprocess, statistics, glob, re, collections, sys
base_spec, old_cmd, new_cmd = sys.argv[1:4]
results = sorted(r for d in sys.argv[4:] for r in glob.glob(d + '/*/result.json'))
import os
for f in ('probe.yaml', 'x2.yaml', 'x10.yaml'):
    if os.path.exists(f):
        sys.exit('real-margins: %s exists in this directory; run it in an empty one' % f)
PEROP = {'latency', 'rtt', 'hiccup'}
def build(thr):
    """BASE_SPEC with its expect blocks rewritten; thr(req, metric, stat, cmp) -> value string or None"""
    out = []; req = None; metric = None
    for l in open(base_spec).read().split('\n'):
        m = re.match(r'  - id: "(.*)"', l)
        if m: req = m.group(1)
        m = re.match(r'      (\w+):$', l)
        if m:
            metric = m.group(1); out.append(l)
            stats = [('p50','<='),('p90','<='),('p99','<=')] if metric in PEROP else [('p10','>='),('p50','>=')]
            for st, c in stats:
                v = thr(req, metric, st, c)
                if v is not None: out.append('        %s: "%s %s"' % (st, c, v))
            continue
        if re.match(r'        p\d+: ', l): continue
        out.append(l)
    return '\n'.join(out)
def unit(metric):
    return {'latency':'ns','rtt':'ns','hiccup':'ns','throughput':'B/s','iops':'IOPS','ops':'ops/s'}[metric]
def certify(cmd, spec, res):
    p = subprocess.run([cmd, 'certify', '--spec', spec, res, '--format', 'json'], capture_output=True, text=True)
    return json.loads(p.stdout)['requirements']
open('probe.yaml','w').write(build(lambda r,m,s,c: '1 %s' % unit(m)))
meas = collections.defaultdict(list)
for r in results:
    for v in certify(new_cmd, 'probe.yaml', r):
        meas[(v['id'], v['metric'], v['statistic'], v['comparator'])].append(v['measured'])
truth = {k: statistics.median(v) for k, v in meas.items()}
for margin in (2, 10):
    def thr(r, m, s, c, margin=margin):
        t = truth.get((r, m, s, c))
        if t is None or t <= 0: return None
        return '%.6g %s' % (t * margin if c == '<=' else t / margin, unit(m))
    open('x%d.yaml' % margin, 'w').write(build(thr))
    tally = {}
    for name, cmd in (('old', old_cmd), ('new', new_cmd)):
        cnt = collections.Counter(); inc = collections.Counter()
        for r in results:
            for v in certify(cmd, 'x%d.yaml' % margin, r):
                k = '%s %s %s' % (v['id'], v['metric'], v['statistic'])
                cnt[v['verdict']] += 1
                if v['verdict'] != 'PASS': inc[k + ' ' + v['verdict']] += 1
        tally[name] = (cnt, inc)
        print(margin, 'x', name, dict(cnt), 'of', sum(cnt.values()))
    keys = sorted(set(tally['old'][1]) | set(tally['new'][1]))
    for k in keys:
        print('   %-55s old %2d  new %2d' % (k, tally['old'][1][k], tally['new'][1][k]))
