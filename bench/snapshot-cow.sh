#!/usr/bin/env bash
# Part 1 of bench/snapshot.sh only (4 KiB writes QD16, one per 64 KiB of a 1 GiB mirrored volume), with what the
# standby spends per write: for a profile of copy-on-write on a busy machine, where IOPS alone say little. Each round
# runs the job without a snapshot, then with a fresh one live (every write the first touch of its chunk), and prints
# IOPS, their ratio and the standby's CPU (utime+stime) per write. Needs no quiet machine to compare CPU per write.
# Usage: bench/snapshot-cow.sh [ROUNDS] [strace|perf]   (strace: syscall counts per job in bench/work/strace-*.txt,
# which slow the standby down; perf: a call-graph profile of the standby per job in bench/work/perf-*.data, its
# compiled Java frames named through /tmp/perf-PID.map, for `perf report -i`; start the demo with
# UNDERSTUDY_JAVA_OPTS=-XX:+PreserveFramePointer for whole Java stacks; BENCH_NET: loopback net, default 105)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio curl python3
rounds="${1:-3}"; mode="${2:-}"
net="${BENCH_NET:-105}"
[ "$mode" != strace ] || need strace
[ "$mode" != perf ] || need perf
"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed
rm -rf "$work/demo"
"$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size 1GiB --loopback-net "$net" \
    >/dev/null
token="$(awk '/^adminToken:/ {print $2}' "$work/demo/secrets.yaml")"
standby="127.$net.2.1"; primary="127.$net.1.1"
spid="$(ps -eo pid,args | grep -F -- "$work/demo" | grep -w standby | grep -v grep | awk '{print $1}' | head -1)"
[ -n "$spid" ] || { echo "bench: no standby process found" >&2; exit 1; }
api() {
  curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$2" \
      "http://$standby:7800/api/commands/$1" >/dev/null
}
ticks() { awk '{print $14 + $15}' "/proc/$spid/stat"; }
first_touch_iolog "$work/rand4k.iolog"
job() {  # job LABEL -> "iops cpu_us_per_write"
  local t0 t1 st=""
  sync
  t0=$(ticks)
  if [ "$mode" = strace ]; then
    strace -c -f -p "$spid" -o "$work/strace-$1.txt" 2>/dev/null & st=$!
    sleep 1
  elif [ "$mode" = perf ]; then
    perf record -q -g -p "$spid" -o "$work/perf-$1.data" 2>/dev/null & st=$!
    sleep 1
  fi
  fio --name="$1" --ioengine=nbd --uri="nbd://$primary:10809/vol0" --read_iolog="$work/rand4k.iolog" \
      --iodepth=16 --output-format=json --output="$work/fio-$1.json" >/dev/null
  if [ -n "$st" ]; then kill -INT "$st"; wait "$st" || true; fi
  t1=$(ticks)
  if [ "$mode" = perf ]; then
    "$(dirname "$(readlink -f "/proc/$spid/exe")")/jcmd" "$spid" Compiler.perfmap >/dev/null 2>&1 || true
  fi
  python3 - "$work/fio-$1.json" "$((t1 - t0))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["jobs"][0]["write"]
print(f'{w["iops"]:.0f} {int(sys.argv[2]) / int(sys.argv[3]) * 1e6 / w["total_ios"]:.0f}')
PY
}
fio --name=prefill --ioengine=nbd --uri="nbd://$primary:10809/vol0" --rw=write --bs=1M --iodepth=8 --size=1G \
    --output=/dev/null >/dev/null
job warmup >/dev/null
for i in $(seq 1 "$rounds"); do
  read -r b_iops b_cpu <<<"$(job "base$i")"
  api snapshot-create "{\"primary\":\"p1\",\"snapshot\":\"cow$i\"}"
  read -r f_iops f_cpu <<<"$(job "first$i")"
  api snapshot-delete "{\"primary\":\"p1\",\"snapshot\":\"cow$i\"}"
  echo "round $i: no snapshot $b_iops IOPS ($b_cpu us standby CPU/write), first touch $f_iops IOPS ($f_cpu us/write)," \
      "ratio $(python3 -c "print(round($f_iops / $b_iops, 3))"), load $(cut -d' ' -f1 /proc/loadavg)"
done
"$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null
