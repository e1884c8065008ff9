#!/usr/bin/env bash
# Heap allocated and CPU time per mirrored 4 KiB random write, on the primary and on the standby of a demo (one
# primary, a 1 GiB volume written once first): each node's bytes allocated by all its threads (`jcmd PID Thread.print
# -e`) and its user + system time (/proc/PID/stat), read around a fio job at QD16 and one at QD1, divided by the writes
# the job made (its IOPS times its runtime plus the 1 s ramp). First the idle rate of both nodes (their background:
# status polls, heartbeats, the management faces, and jcmd itself) over 10 s without I/O, which a QD1 job's figure
# also carries: at 6,000 writes/s each 30 KB/s of background is 5 B a write.
# Usage: bench/alloc.sh [RUNTIME_SECONDS]   (default 6 s per job); BENCH_LOOPBACK_NET=N (default 146).
# Writes bench/results/alloc.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio python3
runtime="${1:-6}"
net="${BENCH_LOOPBACK_NET:-146}"
size=1GiB
dir="$work/demo-alloc"

"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed
java="$(UNDERSTUDY_PRINT_JAVA=1 bash "$bench_root/installer/src/bin/understudy")"
jcmd="$(dirname "$java")/jcmd"
[ -x "$jcmd" ] || { echo "bench: no jcmd next to $java" >&2; exit 1; }

rm -rf "$dir"
"$bench_root/understudy" demo --dir "$dir" --detach --primaries 1 --volume-size "$size" --loopback-net "$net" >/dev/null
trap 'cleanup; "$bench_root/understudy" demo --dir "$dir" --stop >/dev/null 2>&1 || true' EXIT
primary="$(cat "$dir/state/p1/understudy.pid")"
standby="$(cat "$dir/state/standby/understudy.pid")"
uri="nbd://127.$net.1.1:10809/vol0"
fio --name=precondition --ioengine=nbd --uri="$uri" --rw=write --bs=1M --iodepth=16 --size="$size" \
    --output-format=json --output="$work/fio-alloc-precondition.json" >/dev/null

allocated() {  # allocated PID -> bytes allocated by the live threads of PID so far
  "$jcmd" "$1" Thread.print -e 2>/dev/null | grep -o 'allocated=[0-9.]*[KMGB]*' | python3 -c '
import sys
unit = {"B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
total = 0
for line in sys.stdin:
    v = line.strip().split("=")[1]
    total += float(v[:-1]) * unit[v[-1]] if v[-1] in unit else float(v)
print(int(total))'
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz="$(getconf CLK_TCK)"

a0="$(allocated "$primary")"; b0="$(allocated "$standby")"
sleep 10
a1="$(allocated "$primary")"; b1="$(allocated "$standby")"
idle_p=$(( (a1 - a0) / 10 )); idle_s=$(( (b1 - b0) / 10 ))
echo "idle: primary $idle_p B/s, standby $idle_s B/s allocated"

rows=()
for qd in 16 1; do
  a0="$(allocated "$primary")"; b0="$(allocated "$standby")"; c0="$(ticks "$primary")"; d0="$(ticks "$standby")"
  r="$(fio_job alloc-qd$qd "$uri" "$runtime" --rw=randwrite --bs=4k --iodepth=$qd --size=1G --randrepeat=0)"
  a1="$(allocated "$primary")"; b1="$(allocated "$standby")"; c1="$(ticks "$primary")"; d1="$(ticks "$standby")"
  row="$(python3 - "$qd" "$r" "$runtime" "$hz" "$a0" "$a1" "$b0" "$b1" "$c0" "$c1" "$d0" "$d1" <<'PY'
import json, sys
qd, r, runtime, hz = int(sys.argv[1]), sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4])
a0, a1, b0, b1, c0, c1, d0, d1 = map(float, sys.argv[5:13])
iops = float(r[0])
writes = iops * (runtime + 1)  # the job's ramp second writes too
print(json.dumps({"qd": qd, "iops": round(iops), "writes": round(writes),
                  "primary_alloc_per_write": round((a1 - a0) / writes),
                  "standby_alloc_per_write": round((b1 - b0) / writes),
                  "primary_cpu_us_per_write": round((c1 - c0) / hz * 1e6 / writes, 1),
                  "standby_cpu_us_per_write": round((d1 - d0) / hz * 1e6 / writes, 1)}))
PY
)"
  rows+=("$row")
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print("4 KiB QD%(qd)d: %(iops)d IOPS; primary %(primary_alloc_per_write)d B and %(primary_cpu_us_per_write)s us CPU per write, standby %(standby_alloc_per_write)d B and %(standby_cpu_us_per_write)s us" % j)' "$row"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results/alloc.json" "$idle_p" "$idle_s" "$(cut -d' ' -f1-3 /proc/loadavg)" "${rows[@]}" <<'PY'
import json, sys
out, idle_p, idle_s, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
json.dump({"idle_primary_bytes_per_s": idle_p, "idle_standby_bytes_per_s": idle_s, "load": load,
           "jobs": [json.loads(r) for r in sys.argv[5:]]}, open(out, "w"), indent=1)
PY
echo "written: $results/alloc.json"
