#!/usr/bin/env bash
# Mirroring benchmark: the same fio jobs against nbdkit's file plugin (the reference), an Understudy primary with no
# standby (unmirrored) and an Understudy primary mirroring synchronously to a standby on loopback.
# Prints IOPS/throughput and p99 latency with ratios to nbdkit, and the CPU time each server process spends per GiB
# written by the 1 MiB QD16 job (user+system from /proc/PID/stat around a repeat of that job once the set ran, so the
# JIT and the files are warm for every server alike; mirrored: primary + standby); writes bench/results/mirror.json.
# Each server first gets its whole volume written once, untimed (see precondition below). The 4 KiB jobs also run
# against nbdkit on a file first written with 64 KiB writes, which has the page-cache folios Understudy keeps: their
# ratios are printed beside the goals' (which stay against the reference written with 1 MiB writes).
# Usage: bench/mirror.sh [RUNTIME_SECONDS]   (default 8 s per job)
# BENCH_LOOPBACK_NET=N puts the demo on 127.N.x.y (default 77), so a run does not collide with another demo.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio nbdkit python3
runtime="${1:-8}"
size=1GiB

"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed

# job name -> fio arguments
jobs=(seq1m_qd16 rand4k_qd1 rand4k_qd16 rand4k_qd1_fsync)
declare -A args=(
  [seq1m_qd16]="--rw=write --bs=1M --iodepth=16 --size=1G"
  [rand4k_qd1]="--rw=randwrite --bs=4k --iodepth=1 --size=1G --randrepeat=0"
  [rand4k_qd16]="--rw=randwrite --bs=4k --iodepth=16 --size=1G --randrepeat=0"
  [rand4k_qd1_fsync]="--rw=randwrite --bs=4k --iodepth=1 --size=1G --fsync=1 --randrepeat=0"
)
declare -A res
declare -A cpu   # LABEL -> "bytes_written cpu_seconds_per_pid..."
net="${BENCH_LOOPBACK_NET:-77}"
hz="$(getconf CLK_TCK)"

cpu_ticks() {  # cpu_ticks PID -> utime+stime in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# cpu_job LABEL URI PID... : the 1 MiB QD16 job again, no ramp, with each pid's CPU time read around it
cpu_job() {
  local label="$1" uri="$2"; shift 2
  local p before=() after=() out="$work/fio-$label-cpu.json"
  for p in "$@"; do before+=("$(cpu_ticks "$p")"); done
  # shellcheck disable=SC2086
  fio --name="$label-cpu" --ioengine=nbd --uri="$uri" --time_based --runtime="$runtime" --output-format=json \
      --output="$out" ${args[seq1m_qd16]} >/dev/null
  for p in "$@"; do after+=("$(cpu_ticks "$p")"); done
  local bytes secs="" i
  bytes="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][0]["write"]["io_bytes"])' "$out")"
  for i in "${!before[@]}"; do secs+=" $(python3 -c "print((${after[$i]} - ${before[$i]}) / $hz)")"; done
  cpu["$label"]="$bytes$secs"
  echo "  $label cpu: $bytes bytes, cpu s:$secs" >&2
}

# precondition URI: writes the whole volume once, untimed, before the jobs. A fresh sparse file is slow to write the
# first time in a way that has nothing to do with the server: every block is allocated, and on ext4 (data=ordered)
# the first fsync after that waits for the allocated data to reach the disk. Understudy's dirty bitmap forces its
# file once for each new 4 MiB extent a write enters, so on a sparse volume each of those forces flushed the data
# written before it (measured: 1 MiB QD16 on the same mirrored volume, 78 IOPS with fdatasync p50 7.5 ms while
# sparse, 478 IOPS and 1.7 ms once written), while the unmirrored set, run later, found the file already written.
# Every server now starts from a written volume, as a real volume (a device or a preallocated file) is.
precondition() {  # precondition URI [BLOCK_SIZE] (default 1M)
  fio --name=precondition --ioengine=nbd --uri="$1" --rw=write --bs="${2:-1M}" --iodepth=16 --size="$size" \
      --output-format=json --output="$work/fio-precondition.json" >/dev/null
}

run_set() {  # run_set LABEL URI
  local j
  for j in "${jobs[@]}"; do
    # shellcheck disable=SC2086
    res["$1.$j"]="$(fio_job "$1-$j" "$2" "$runtime" ${args[$j]})"
    echo "  $1 $j: ${res[$1.$j]}" >&2
  done
}

echo "bench: nbdkit file plugin (reference)" >&2
rm -f "$work/ref.img"; truncate -s "$size" "$work/ref.img"
# on the benchmark's own loopback net, like the demo, so runs on different nets never share a port
ref="127.$net.3.1"
nbdkit -f -i "$ref" -p 10900 file "$work/ref.img" & pids+=($!)
wait_port "$ref" 10900
precondition "nbd://$ref:10900"
run_set nbdkit "nbd://$ref:10900"
cpu_job nbdkit "nbd://$ref:10900" "${pids[-1]}"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# The 4 KiB jobs once more against nbdkit on a fresh file first written with 64 KiB writes. The page cache keeps the
# folio size a write created, and a small write into a large folio walks all of it; Understudy writes in 64 KiB
# pieces, so its volumes keep 64 KiB folios after 1 MiB writes while nbdkit's file keeps 1 MiB ones (README, "Small
# writes after large ones"). The goals are against the reference above; this one gives the ratio on equal folios.
echo "bench: nbdkit file plugin, file first written with 64 KiB writes (equal folios)" >&2
rm -f "$work/ref.img" "$work/ref64.img"; truncate -s "$size" "$work/ref64.img"
nbdkit -f -i "$ref" -p 10900 file "$work/ref64.img" & pids+=($!)
wait_port "$ref" 10900
precondition "nbd://$ref:10900" 64k
for j in "${jobs[@]}"; do
  [ "$j" = seq1m_qd16 ] && continue
  # shellcheck disable=SC2086
  res["nbdkit64k.$j"]="$(fio_job "nbdkit64k-$j" "nbd://$ref:10900" "$runtime" ${args[$j]})"
  echo "  nbdkit64k $j: ${res[nbdkit64k.$j]}" >&2
done
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
rm -f "$work/ref64.img"

echo "bench: Understudy primary mirroring synchronously to a standby" >&2
rm -rf "$work/demo"
# a loopback net of its own, so a demo or a test run elsewhere on the machine does not collide
"$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$size" --loopback-net "$net" >/dev/null
primary_pid="$(cat "$work/demo/state/p1/understudy.pid")"
standby_pid="$(cat "$work/demo/state/standby/understudy.pid")"
precondition "nbd://127.$net.1.1:10809/vol0"
run_set mirrored "nbd://127.$net.1.1:10809/vol0"
cpu_job mirrored "nbd://127.$net.1.1:10809/vol0" "$primary_pid" "$standby_pid"

echo "bench: Understudy primary with no standby (unmirrored)" >&2
kill "$standby_pid"; while kill -0 "$standby_pid" 2>/dev/null; do sleep 0.1; done
run_set unmirrored "nbd://127.$net.1.1:10809/vol0"
cpu_job unmirrored "nbd://127.$net.1.1:10809/vol0" "$primary_pid"
"$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null

python3 - "$results/mirror.json" "$runtime" "${jobs[@]}" <<PY
import json, sys
out, runtime, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
raw = {$(for k in "${!res[@]}"; do printf '"%s": "%s", ' "$k" "${res[$k]}"; done)}
rawcpu = {$(for k in "${!cpu[@]}"; do printf '"%s": "%s", ' "$k" "${cpu[$k]}"; done)}
load = open("/proc/loadavg").read().split()[:3]
def cpu_per_gib(label):
    b, *secs = rawcpu[label].split()
    gib = int(b) / 2**30
    return [round(float(s) / gib, 3) for s in secs] if gib else None
cpu_table = {"nbdkit": {"server": cpu_per_gib("nbdkit")[0]}}
u = cpu_per_gib("unmirrored")
cpu_table["unmirrored"] = {"primary": u[0]}
m = cpu_per_gib("mirrored")
cpu_table["mirrored"] = {"primary": m[0], "standby": m[1], "total": round(m[0] + m[1], 3)}
for label in ("unmirrored", "mirrored"):
    own = cpu_table[label].get("total", cpu_table[label]["primary"])
    cpu_table[label]["ratio_to_nbdkit"] = round(own / cpu_table["nbdkit"]["server"], 2)
def fig(label, job):
    iops, bw, p99 = map(float, raw[f"{label}.{job}"].split())
    return {"iops": round(iops, 1), "MiBps": round(bw / 2**20, 1), "p99_us": round(p99, 1)}
table = {}
for job in jobs:
    ref = fig("nbdkit", job)
    row = {"nbdkit": ref}
    for label in ("unmirrored", "mirrored"):
        f = fig(label, job)
        f["ratio_to_nbdkit"] = round(f["iops"] / ref["iops"], 3) if ref["iops"] else None
        row[label] = f
    row["mirrored_p99_over_unmirrored"] = round(row["mirrored"]["p99_us"] / row["unmirrored"]["p99_us"], 2) if row["unmirrored"]["p99_us"] else None
    if f"nbdkit64k.{job}" in raw:
        eq = fig("nbdkit64k", job)
        row["nbdkit_64k_folios"] = eq
        for label in ("unmirrored", "mirrored"):
            row[label]["ratio_to_nbdkit_64k_folios"] = round(row[label]["iops"] / eq["iops"], 3) if eq["iops"] else None
    table[job] = row
targets = {
    "unmirrored >= 1.0x nbdkit on every job": all(table[j]["unmirrored"]["ratio_to_nbdkit"] >= 1.0 for j in jobs),
    "mirrored >= 0.6x nbdkit on 1 MiB QD16": table["seq1m_qd16"]["mirrored"]["ratio_to_nbdkit"] >= 0.6,
    "mirrored 1 MiB QD16 p99 <= 2x unmirrored": table["seq1m_qd16"]["mirrored_p99_over_unmirrored"] <= 2.0,
    "mirrored >= 0.8x nbdkit on 4 KiB QD16": table["rand4k_qd16"]["mirrored"]["ratio_to_nbdkit"] >= 0.8,
    "mirrored >= 0.6x nbdkit on 4 KiB QD1": table["rand4k_qd1"]["mirrored"]["ratio_to_nbdkit"] >= 0.6,
    "mirrored 4 KiB QD1 p99 <= 1.5x unmirrored": table["rand4k_qd1"]["mirrored_p99_over_unmirrored"] <= 1.5,
    "mirrored CPU per GiB (primary + standby) <= 1.5x nbdkit's": cpu_table["mirrored"]["ratio_to_nbdkit"] <= 1.5,
}
json.dump({"runtime_s": runtime, "loadavg": load, "jobs": table, "cpu_s_per_gib_1m_qd16": cpu_table,
           "targets": targets}, open(out, "w"), indent=2)
print(f"{'job':<18}{'nbdkit':>22}{'unmirrored':>30}{'mirrored':>30}")
for job in jobs:
    r = table[job]
    def cell(f, ratio=True):
        s = f"{f['iops']:>9.0f} IOPS {f['MiBps']:>7.1f} MiB/s p99 {f['p99_us']:>7.0f}us"
        return s + (f" ({f['ratio_to_nbdkit']:.2f}x)" if ratio else "")
    print(f"{job:<18} nbdkit: {cell(r['nbdkit'], False)}")
    print(f"{'':<18} unmirrored: {cell(r['unmirrored'])}")
    print(f"{'':<18} mirrored: {cell(r['mirrored'])}   p99 vs unmirrored {r['mirrored_p99_over_unmirrored']}x")
    if "nbdkit_64k_folios" in r:
        print(f"{'':<18} nbdkit, equal folios: {cell(r['nbdkit_64k_folios'], False)}: unmirrored"
              f" {r['unmirrored']['ratio_to_nbdkit_64k_folios']:.2f}x, mirrored {r['mirrored']['ratio_to_nbdkit_64k_folios']:.2f}x")
print(f"CPU s per GiB written, 1 MiB QD16 (load average {' '.join(load)}):")
print(f"{'':<18} nbdkit: {cpu_table['nbdkit']['server']:.2f}")
print(f"{'':<18} unmirrored: primary {u[0]:.2f} ({cpu_table['unmirrored']['ratio_to_nbdkit']:.2f}x)")
print(f"{'':<18} mirrored: primary {m[0]:.2f} + standby {m[1]:.2f} = {m[0] + m[1]:.2f}"
      f" ({cpu_table['mirrored']['ratio_to_nbdkit']:.2f}x)")
for t, ok in targets.items():
    print(("MET     " if ok else "MISSED  ") + t)
print("written:", out)
PY
