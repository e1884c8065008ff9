#!/usr/bin/env bash
# Mirroring benchmark: the same fio jobs against nbdkit's file plugin (the reference), an Understudy primary with no
# standby (unmirrored) and an Understudy primary mirroring synchronously to a standby on loopback.
# Prints IOPS/throughput and p99 latency with ratios to nbdkit; writes bench/results/mirror.json.
# Usage: bench/mirror.sh [RUNTIME_SECONDS]   (default 8 s per job)
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
nbdkit -f -i 127.0.0.1 -p 10900 file "$work/ref.img" & pids+=($!)
wait_port 127.0.0.1 10900
run_set nbdkit "nbd://127.0.0.1:10900"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "bench: Understudy primary mirroring synchronously to a standby" >&2
rm -rf "$work/demo"
# a loopback net of its own, so a demo or a test run elsewhere on the machine does not collide
"$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$size" --loopback-net 77 >/dev/null
run_set mirrored "nbd://127.77.1.1:10809/vol0"

echo "bench: Understudy primary with no standby (unmirrored)" >&2
standby_pid="$(cat "$work/demo/state/standby/understudy.pid")"
kill "$standby_pid"; while kill -0 "$standby_pid" 2>/dev/null; do sleep 0.1; done
run_set unmirrored "nbd://127.77.1.1:10809/vol0"
"$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null

python3 - "$results/mirror.json" "$runtime" "${jobs[@]}" <<PY
import json, sys
out, runtime, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
raw = {$(for k in "${!res[@]}"; do printf '"%s": "%s", ' "$k" "${res[$k]}"; done)}
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
    table[job] = row
targets = {
    "unmirrored >= 1.0x nbdkit on every job": all(table[j]["unmirrored"]["ratio_to_nbdkit"] >= 1.0 for j in jobs),
    "mirrored >= 0.6x nbdkit on 1 MiB QD16": table["seq1m_qd16"]["mirrored"]["ratio_to_nbdkit"] >= 0.6,
    "mirrored >= 0.5x nbdkit on 4 KiB QD16": table["rand4k_qd16"]["mirrored"]["ratio_to_nbdkit"] >= 0.5,
    "mirrored 4 KiB QD1 p99 <= 2x unmirrored": table["rand4k_qd1"]["mirrored_p99_over_unmirrored"] <= 2.0,
}
json.dump({"runtime_s": runtime, "jobs": table, "targets": targets}, open(out, "w"), indent=2)
print(f"{'job':<18}{'nbdkit':>22}{'unmirrored':>30}{'mirrored':>30}")
for job in jobs:
    r = table[job]
    def cell(f, ratio=True):
        s = f"{f['iops']:>9.0f} IOPS {f['MiBps']:>7.1f} MiB/s p99 {f['p99_us']:>7.0f}us"
        return s + (f" ({f['ratio_to_nbdkit']:.2f}x)" if ratio else "")
    print(f"{job:<18} nbdkit: {cell(r['nbdkit'], False)}")
    print(f"{'':<18} unmirrored: {cell(r['unmirrored'])}")
    print(f"{'':<18} mirrored: {cell(r['mirrored'])}   p99 vs unmirrored {r['mirrored_p99_over_unmirrored']}x")
for t, ok in targets.items():
    print(("MET     " if ok else "MISSED  ") + t)
print("written:", out)
PY
