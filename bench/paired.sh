#!/usr/bin/env bash
# Paired A/B rounds of the data path: the same fio job against nbdkit's file plugin and a one-primary demo of each
# build given, one after the other in every round, the builds' order rotating from round to round, so every build
# meets the same minutes of the host's load. Single runs of bench/mirror.sh minutes apart move more than a change of
# a few per cent; this is how such a change is measured. Prints one line per round and job (IOPS, p99 in us, and the
# CPU time per write in us: nbdkit's, each build's primary's and, mirrored, its standby's, from /proc/PID/stat around
# the job; CPU moves far less with the host's load than IOPS do) and the medians with their spread.
# Usage: bench/paired.sh ROUNDS NAME=DIST [NAME=DIST...]
#   DIST is a built distribution (installer/target/understudy of a work tree); JOBS (default "fsync") picks from
#   qd1 qd16 fsync seq1m; RUNTIME seconds per job (default 6); MIRRORED=1 keeps the standbys (default: each demo's
#   standby is stopped, the primary serves unmirrored); BENCH_LOOPBACK_NET=N (default 80) is the first demo's net,
#   the next builds take N+1, ... PRECONDITION_BS (default 1M) is the size of the writes that fill every server's
#   volume first: the page cache keeps folios of that size, which every later small write into them walks (README,
#   "Small writes after large ones"); 64k gives nbdkit's file the folios Understudy's own writes keep.
#   Writes bench/results/paired.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio nbdkit python3
rounds="${1:?usage: bench/paired.sh ROUNDS NAME=DIST [NAME=DIST...]}"; shift
[ "$#" -ge 1 ] || { echo "bench: name at least one build as NAME=DIST" >&2; exit 2; }
runtime="${RUNTIME:-6}"
read -r -a jobs <<< "${JOBS:-fsync}"
declare -A args=(
  [seq1m]="--rw=write --bs=1M --iodepth=16 --size=1G"
  [qd1]="--rw=randwrite --bs=4k --iodepth=1 --size=1G --randrepeat=0"
  [qd16]="--rw=randwrite --bs=4k --iodepth=16 --size=1G --randrepeat=0"
  [fsync]="--rw=randwrite --bs=4k --iodepth=1 --size=1G --fsync=1 --randrepeat=0"
)
names=(); declare -A dist uri nodes
net="${BENCH_LOOPBACK_NET:-80}"
for pair in "$@"; do
  n="${pair%%=*}"; d="${pair#*=}"
  [ -x "$d/bin/understudy" ] || { echo "bench: $d/bin/understudy is not a built distribution" >&2; exit 2; }
  names+=("$n"); dist[$n]="$d"
done
for j in "${jobs[@]}"; do [ -n "${args[$j]:-}" ] || { echo "bench: unknown job $j" >&2; exit 2; }; done

demos=()
stop_demos() {  # and their volumes and replicas (2 GiB a build), and the reference image: nothing big stays behind
  local n
  for n in "${demos[@]}"; do
    "${dist[$n]}/bin/understudy" demo --dir "$work/paired-$n" --stop >/dev/null 2>&1 || true
    rm -rf "${work:?}/paired-$n"
  done
  rm -f "$work/paired-ref.img"
}
trap 'cleanup; stop_demos' EXIT

precondition() {
  fio --name=precondition --ioengine=nbd --uri="$1" --rw=write --bs="${PRECONDITION_BS:-1M}" --iodepth=16 --size=1G \
      --output-format=json --output="$work/fio-precondition.json" >/dev/null
}

rm -f "$work/paired-ref.img"; truncate -s 1G "$work/paired-ref.img"
ref="127.$net.3.1"
nbdkit -f -i "$ref" -p 10900 file "$work/paired-ref.img" & pids+=($!)
kit_pid=$!
wait_port "$ref" 10900
precondition "nbd://$ref:10900"
for n in "${names[@]}"; do
  rm -rf "$work/paired-$n"
  "${dist[$n]}/bin/understudy" demo --dir "$work/paired-$n" --detach --primaries 1 --volume-size 1GiB \
      --loopback-net "$net" >/dev/null
  demos+=("$n")
  if [ "${MIRRORED:-0}" != 1 ]; then
    sp="$(cat "$work/paired-$n/state/standby/understudy.pid")"
    kill "$sp"; while kill -0 "$sp" 2>/dev/null; do sleep 0.1; done
  fi
  uri[$n]="nbd://127.$net.1.1:10809/vol0"
  nodes[$n]="$(cat "$work/paired-$n/state/p1/understudy.pid")"
  if [ "${MIRRORED:-0}" = 1 ]; then nodes[$n]+=" $(cat "$work/paired-$n/state/standby/understudy.pid")"; fi
  precondition "${uri[$n]}"
  net=$((net + 1))
done

# cpu_ticks PID...: user + system clock ticks of each process, space-separated
cpu_ticks() {
  local p out=()
  for p in "$@"; do out+=("$(awk '{print $14 + $15}' "/proc/$p/stat")"); done
  echo "${out[*]}"
}
# per_write BEFORE AFTER IOPS: CPU microseconds per write of each process between two cpu_ticks readings, comma-joined
# (the job's writes: its IOPS over the runtime plus fio's 1 s ramp, which the readings also span)
per_write() {
  python3 - "$1" "$2" "$3" "$runtime" "$(getconf CLK_TCK)" <<'PY'
import sys
a, b = sys.argv[1].split(), sys.argv[2].split()
writes = float(sys.argv[3]) * (int(sys.argv[4]) + 1)
tick_us = 1e6 / int(sys.argv[5])
print(",".join(f"{(int(y) - int(x)) * tick_us / writes:.1f}" for x, y in zip(a, b)))
PY
}

rows="$work/paired-rows.txt"; : > "$rows"
count="${#names[@]}"
for r in $(seq 1 "$rounds"); do
  for j in "${jobs[@]}"; do
    before="$(cpu_ticks "$kit_pid")"
    # shellcheck disable=SC2086
    read -r kit_iops _ kit_p99 <<< "$(fio_job "paired-nbdkit" "nbd://$ref:10900" "$runtime" ${args[$j]})"
    line="round $r $j nbdkit $kit_iops $kit_p99 $(per_write "$before" "$(cpu_ticks "$kit_pid")" "$kit_iops")"
    for k in $(seq 0 $((count - 1))); do
      n="${names[$(( (k + r) % count ))]}"
      # shellcheck disable=SC2086
      before="$(cpu_ticks ${nodes[$n]})"
      # shellcheck disable=SC2086
      read -r iops _ p99 <<< "$(fio_job "paired-$n" "${uri[$n]}" "$runtime" ${args[$j]})"
      # shellcheck disable=SC2086
      line+=" $n $iops $p99 $(per_write "$before" "$(cpu_ticks ${nodes[$n]})" "$iops")"
    done
    echo "$line load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$rows" >&2
  done
done

python3 - "$rows" "$results/paired.json" "${MIRRORED:-0}" "$runtime" <<'PY'
import json, statistics, sys
rows, out, mirrored, runtime = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
table = {}
for line in open(rows):
    w = line.split()
    job, rest = w[2], w[3:-2]
    for i in range(0, len(rest), 4):
        name, iops, p99 = rest[i], float(rest[i + 1]), float(rest[i + 2])
        cpu = [float(x) for x in rest[i + 3].split(",")]
        table.setdefault(job, {}).setdefault(name, []).append((iops, p99, cpu))
summary = {}
for job, by in table.items():
    kit = [x[0] for x in by["nbdkit"]]
    summary[job] = {}
    for name, xs in by.items():
        iops = [x[0] for x in xs]
        ratios = [a / b for a, b in zip(iops, kit)]
        # CPU per write: nbdkit's one process; a build's primary, then (mirrored) its standby, and their sum
        parts = ["nbdkit"] if name == "nbdkit" else ["primary", "standby"][:len(xs[0][2])]
        cpu = {part: [x[2][i] for x in xs] for i, part in enumerate(parts)}
        if len(parts) == 2:
            cpu["both"] = [round(sum(x[2]), 1) for x in xs]
        s = summary[job][name] = {
            "iops_median": round(statistics.median(iops)), "iops_min": round(min(iops)), "iops_max": round(max(iops)),
            "p99_us_median": round(statistics.median(x[1] for x in xs)),
            "ratio_to_nbdkit_median": round(statistics.median(ratios), 3),
            "ratio_min": round(min(ratios), 3), "ratio_max": round(max(ratios), 3),
            "cpu_us_per_write": {part: {"median": round(statistics.median(v), 1), "min": min(v), "max": max(v)}
                                 for part, v in cpu.items()},
        }
        cpu_text = ", ".join(f"{part} {c['median']} ({c['min']}-{c['max']})"
                             for part, c in s["cpu_us_per_write"].items())
        print(f"{job:<6} {name:<10} {s['iops_median']:>7} IOPS ({s['iops_min']}-{s['iops_max']}), "
              f"{s['ratio_to_nbdkit_median']}x nbdkit ({s['ratio_min']}-{s['ratio_max']}), "
              f"p99 {s['p99_us_median']} us; CPU us per write: {cpu_text}")
json.dump({"runtime_s": runtime, "mirrored": mirrored, "rounds": len(kit), "jobs": summary}, open(out, "w"), indent=2)
print(f"written: {out}")
PY
