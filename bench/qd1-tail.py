"""Report of bench/qd1-tail.sh: latency percentiles, the slow 1 % of I/Os, threads' run-queue waits and collections.

Usage: qd1-tail.py OUT_DIR PRIMARY_PID STANDBY_PID RUNS
"""
import cmath
import glob
import json
import math
import os
import re
import statistics
import sys

out, primary, standby, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
PCTS = ["50.000000", "90.000000", "99.000000", "99.900000"]


def percentiles(label):
    w = json.load(open(f"{out}/{label}.json"))["jobs"][0]["write"]
    p = w["clat_ns"]["percentile"]
    return w["iops"], [p[k] / 1000 for k in PCTS]


def lat_log(label):
    """(time ms, latency us) of every I/O (fio's clat log: time, value in ns, direction, size, offset)."""
    rows = []
    for line in open(f"{out}/{label}_clat.1.log"):
        f = line.split(",")
        rows.append((int(f[0]), int(f[1]) / 1000))
    return rows


def periodicity(times, period):
    """Rayleigh R of the phases of `times` at `period`: ~1/sqrt(n) if unrelated to it, up to 1 if locked to it."""
    if not times:
        return 0.0
    z = sum(cmath.exp(2j * math.pi * (t % period) / period) for t in times) / len(times)
    return abs(z)


def slow_ios(label):
    rows = lat_log(label)
    lats = sorted(l for _, l in rows)
    p50, p99 = lats[len(lats) // 2], lats[int(len(lats) * 0.99)]
    slow = [(t, l) for t, l in rows if l >= p99]
    idx = [i for i, (_, l) in enumerate(rows) if l >= p99]
    follows = sum(1 for a, b in zip(idx, idx[1:]) if b == a + 1)
    excess = sum(l - p50 for _, l in slow) / 1000
    times = [t for t, _ in slow]
    r = {p: periodicity(times, p) for p in (250, 500, 1000)}
    return len(rows), len(slow), p50, p99, follows, excess, r


def sched(label):
    """Per thread: (process, comm) -> [run ns, wait ns, timeslices] over the job."""
    before, after = {}, {}
    for name, table in (("sched-before", before), ("sched-after", after)):
        path = f"{out}/{label}.{name}"
        if not os.path.exists(path):
            continue
        for line in open(path):
            f = line.split()
            if len(f) < 6:
                continue
            table[f[1]] = (f[2], int(f[3]), int(f[4]), int(f[5]))
    threads = {}
    for tid, (comm, run, wait, slices) in after.items():
        b = before.get(tid, (comm, 0, 0, 0))
        d = (run - b[1], wait - b[2], slices - b[3])
        if d[2] > 0:
            threads[(tid, comm)] = d
    return threads


def gc(label):
    t0, t1 = [float(x) * 1000 for x in open(f"{out}/{label}.gcmark").read().split()]
    res = {}
    for pid, role in ((primary, "primary"), (standby, "standby")):
        n, pause = 0, 0.0
        for path in glob.glob(f"{out}/gc-{pid}.log"):
            for line in open(path):
                m = re.match(r"\[(\d+)ms\].*Pause.* ([\d.]+)ms$", line.strip())
                if m and t0 <= int(m.group(1)) <= t1:
                    n += 1
                    pause += float(m.group(2))
        res[role] = (n, pause)
    return res


print("4 KiB random writes, QD1 (fio clat, us)")
print(f"{'job':14s} {'IOPS':>7s} {'p50':>6s} {'p90':>6s} {'p99':>7s} {'p99.9':>7s}  slow 1 %: n, back-to-back, "
      f"time above p50 (ms), phase lock R at 250/500/1000 ms (1/sqrt(n) if none)")
summary = {}
for kind in ("mirrored", "unmirrored"):
    for i in range(1, runs + 1):
        label = f"{kind}-{i}"
        iops, p = percentiles(label)
        n, ns, p50, p99, follows, excess, r = slow_ios(label)
        summary.setdefault(kind, []).append(p)
        print(f"{label:14s} {iops:7.0f} {p[0]:6.0f} {p[1]:6.0f} {p[2]:7.0f} {p[3]:7.0f}  {ns} of {n}, {follows}, "
              f"{excess:.0f} ms, R " + "/".join(f"{v:.3f}" for v in r.values()) + f" ({1 / math.sqrt(max(ns, 1)):.3f})")
for kind, ps in summary.items():
    med = [statistics.median(x[j] for x in ps) for j in range(4)]
    lo = [min(x[j] for x in ps) for j in range(4)]
    hi = [max(x[j] for x in ps) for j in range(4)]
    print(f"{kind:14s} median p50 {med[0]:.0f} ({lo[0]:.0f}-{hi[0]:.0f}), p90 {med[1]:.0f} ({lo[1]:.0f}-{hi[1]:.0f}), "
          f"p99 {med[2]:.0f} ({lo[2]:.0f}-{hi[2]:.0f}), p99.9 {med[3]:.0f} ({lo[3]:.0f}-{hi[3]:.0f})")
if "mirrored" in summary and "unmirrored" in summary:
    m = [statistics.median(x[j] for x in summary["mirrored"]) for j in range(4)]
    u = [statistics.median(x[j] for x in summary["unmirrored"]) for j in range(4)]
    print("mirrored / unmirrored: " + ", ".join(f"p{k} {a / b:.2f}x" for k, a, b in zip(("50", "90", "99", "99.9"), m, u)))

print("\nthreads over each job (the busiest by wake-ups): wake-ups/s, CPU %, run-queue wait per wake-up (us), wait % of the job")
for kind in ("mirrored", "unmirrored"):
    for i in range(1, runs + 1):
        label = f"{kind}-{i}"
        th = sched(label)
        g = gc(label)
        secs = json.load(open(f"{out}/{label}.json"))["jobs"][0]["job_runtime"] / 1000 + 1
        tot_wait = sum(d[1] for d in th.values())
        tot_slices = sum(d[2] for d in th.values())
        print(f"{label}: {tot_slices / secs:.0f} wake-ups/s in all, mean run-queue wait {tot_wait / max(tot_slices, 1) / 1000:.1f} us; "
              f"GC primary {g['primary'][0]} pauses {g['primary'][1]:.1f} ms, standby {g['standby'][0]} pauses {g['standby'][1]:.1f} ms")
        for (tid, comm), (run, wait, slices) in sorted(th.items(), key=lambda kv: -kv[1][2])[:8]:
            print(f"    {comm:24s} {slices / secs:8.0f}/s {run / secs / 1e7:6.1f} % {wait / slices / 1000:7.1f} us "
                  f"{wait / secs / 1e7:6.1f} %")


def timehist(label):
    """Per thread name of the primary, standby and fio: each wake-up's delay until it ran (perf sched timehist, ms)."""
    path = f"{out}/{label}.timehist"
    if not os.path.exists(path):
        return {}
    delays = {}
    row = re.compile(r"^\s*[\d.]+\s+\[\d+\]\s+(.+?)\[(\d+)(?:/(\d+))?\]\s+[\d.]+\s+([\d.]+)\s+[\d.]+")
    for line in open(path):
        m = row.match(line)
        # thread name[tid/pid] (a process's main thread: name[pid]), wait time, scheduling delay, run time
        if not m or (m.group(3) or m.group(2)) not in (primary, standby) and not m.group(1).startswith("fio"):
            continue
        d = float(m.group(4))
        delays.setdefault(m.group(1), []).append(d * 1000)
    return delays


for kind in ("mirrored", "unmirrored"):
    th = timehist(f"{kind}-1")
    if not th:
        continue
    print(f"\n{kind}-1, perf sched: each wake-up's delay until it ran (us), threads with over 1,000 wake-ups")
    for name, d in sorted(th.items(), key=lambda kv: -len(kv[1])):
        if len(d) < 1000:
            continue
        d.sort()
        q = lambda x: d[min(len(d) - 1, int(len(d) * x))]
        print(f"    {name:24s} {len(d):7d} wake-ups: p50 {q(0.5):6.0f} p90 {q(0.9):6.0f} p99 {q(0.99):6.0f} "
              f"p99.9 {q(0.999):6.0f} max {d[-1]:6.0f}; over 500 us: {sum(1 for x in d if x > 500) / len(d) * 100:.2f} %")


def culprits(label, names):
    """Who held the CPU while a data-path thread waited over 0.5 ms to run after its wake-up: run time per holder
    (perf sched timehist rows: a task switched out at `time` on `cpu` after running `run` ms)."""
    path = f"{out}/{label}.timehist"
    if not os.path.exists(path):
        return None
    row = re.compile(r"^\s*([\d.]+)\s+\[(\d+)\]\s+(.+?)\[(\d+)(?:/(\d+))?\]\s+[\d.]+\s+([\d.]+)\s+([\d.]+)")
    ran = {}
    waits = []
    for line in open(path):
        m = row.match(line)
        if not m:
            continue
        t, cpu, name, tid, pid = float(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5) or m.group(4)
        delay, run = float(m.group(6)) / 1000, float(m.group(7)) / 1000
        ran.setdefault(cpu, []).append((t - run, t, name, pid))
        if delay > 0.0005 and (pid in (primary, standby) and name in names or name.startswith("fio")):
            waits.append((cpu, t - run - delay, t - run))
    held = {}
    for cpu, a, b in waits:
        for s, e, name, pid in ran.get(cpu, []):
            overlap = min(e, b) - max(s, a)
            if overlap <= 0:
                continue
            if pid in (primary, standby):
                who = ("primary " if pid == primary else "standby ") + ("data path" if name in names else name)
            elif name.startswith("fio"):
                who = "fio"
            elif name.startswith(("kworker", "ksoftirqd", "migration", "rcu", "swapper", "kthreadd", "irq/")):
                who = "kernel threads"
            else:
                who = "other processes (" + name.split("/")[0] + ")"
            held[who] = held.get(who, 0) + overlap
    total = sum(b - a for _, a, b in waits)
    return len(waits), total, held


DATA_PATH = ("nbd-io-0", "replica-link-/1", "mirror-ack-p1/v")
for kind in ("mirrored", "unmirrored"):
    c = culprits(f"{kind}-1", DATA_PATH)
    if not c:
        continue
    n, total, held = c
    print(f"\n{kind}-1: {n} wake-ups of fio or a data-path thread waited over 0.5 ms to run, {total * 1000:.0f} ms in "
          f"all; the CPU meanwhile ran (ms, the rest of the time nothing was recorded on it):")
    merged = {}
    for who, s in held.items():
        key = who if not who.startswith("other processes") else "other processes"
        merged[key] = merged.get(key, 0) + s
    for who, s in sorted(merged.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {who:40s} {s * 1000:8.1f} ms  {s / total * 100:5.1f} %")
    top = sorted(((w, s) for w, s in held.items() if w.startswith("other processes")), key=lambda kv: -kv[1])[:5]
    print("    (other processes, the first: " + ", ".join(f"{w[17:-1]} {s * 1000:.0f} ms" for w, s in top) + ")")
