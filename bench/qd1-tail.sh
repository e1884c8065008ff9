#!/usr/bin/env bash
# Where the tail of bench/mirror.sh's 4 KiB QD1 job goes: the same demo (one primary, 1 GiB volume, written once
# first), the rand4k_qd1 job mirrored and then unmirrored (standby stopped), RUNS times each, with
# - fio's full completion-latency percentiles and a log of every I/O's latency (the slow 1 % found in it: how many,
#   and whether they gather at the period of a timer: 250 ms heartbeats, 1 s and 5 s refreshes);
# - each thread's CPU time, wake-ups and time spent runnable but waiting for a CPU (/proc/PID/task/*/schedstat) of
#   fio, the primary and the standby over each job;
# - the collections of both nodes during each job (-Xlog:gc through JAVA_TOOL_OPTIONS, which the demo's node JVMs
#   inherit): count and total pause.
# Usage: bench/qd1-tail.sh [SECONDS] [RUNS]   (default 6 s, 3 runs)
# BENCH_LOOPBACK_NET=N (default 143); QD1_TASKSET="FIO_CPUS PRIMARY_CPUS STANDBY_CPUS" pins the three (e.g. "0 1 1");
# QD1_NICE=N runs the three at nice N (e.g. -10: how much of the tail is other processes taking the CPUs);
# QD1_PERF=1 records the scheduler (perf sched) over the first job of each kind: each wake-up's delay until it ran,
# per thread, against the I/O latencies.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio python3
runtime="${1:-6}"
runs="${2:-3}"
net="${BENCH_LOOPBACK_NET:-143}"
out="$work/qd1-tail"
"$bench_root/understudy" --version >/dev/null
rm -rf "$out" "$work/demo"; mkdir -p "$out"
echo "bench: machine load at start: $(uptime)" >&2
JAVA_TOOL_OPTIONS="-Xlog:gc:file=$out/gc-%p.log:timemillis" \
  "$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size 1GiB --loopback-net "$net" >/dev/null 2>&1
primary_pid="$(cat "$work/demo/state/p1/understudy.pid")"
standby_pid="$(cat "$work/demo/state/standby/understudy.pid")"
uri="nbd://127.$net.1.1:10809/vol0"
fio_cpus=""
if [ -n "${QD1_TASKSET:-}" ]; then
  read -r fio_cpus p_cpus s_cpus <<<"$QD1_TASKSET"
  taskset -a -p -c "$p_cpus" "$primary_pid" >/dev/null
  taskset -a -p -c "$s_cpus" "$standby_pid" >/dev/null
  echo "bench: pinned fio to $fio_cpus, primary to $p_cpus, standby to $s_cpus" >&2
fi
fio_nice=()
if [ -n "${QD1_NICE:-}" ]; then
  for t in /proc/"$primary_pid"/task/* /proc/"$standby_pid"/task/*; do renice -n "$QD1_NICE" -p "${t##*/}" >/dev/null; done
  fio_nice=(nice -n "$QD1_NICE")
  echo "bench: primary, standby and fio at nice $QD1_NICE" >&2
fi
fio --name=precondition --ioengine=nbd --uri="$uri" --rw=write --bs=1M --iodepth=16 --size=1GiB \
    --output-format=json --output="$out/precondition.json" >/dev/null
# warm: the JIT compiles the QD1 path before anything is measured
fio --name=warm --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k --iodepth=1 --size=1G --randrepeat=0 \
    --time_based --runtime=5 --output-format=json --output="$out/warm.json" >/dev/null

schedstat() {  # schedstat LABEL PID... -> "label tid comm run_ns wait_ns slices" per thread
  local label="$1"; shift
  local p t
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      [ -r "$t/schedstat" ] || continue
      printf '%s %s %s %s\n' "$label" "${t##*/}" "$(tr ' ' '_' <"$t/comm")" "$(cat "$t/schedstat" 2>/dev/null)"
    done
  done
}

job() {  # job LABEL PIDS...
  local label="$1"; shift
  local gcmark="$out/$label.gcmark"
  date +%s.%N >"$gcmark"
  schedstat before "$@" >"$out/$label.sched-before"
  local cmd=(fio --name="$label" --ioengine=nbd --uri="$uri" --rw=randwrite --bs=4k --iodepth=1 --size=1G
             --randrepeat=0 --time_based --runtime="$runtime" --ramp_time=1 --output-format=json --output="$out/$label.json"
             --write_lat_log="$out/$label" --log_avg_msec=0)
  if [ -n "$fio_cpus" ]; then cmd=(taskset -c "$fio_cpus" "${cmd[@]}"); fi
  local perf_pid=""
  if [ -n "${QD1_PERF:-}" ] && [[ "$label" == *-1 ]]; then
    perf sched record -a -o "$out/$label.perf" -- sleep "$((runtime + 1))" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  "${fio_nice[@]}" "${cmd[@]}" >/dev/null &
  local fio_pid=$!
  sleep 0.3
  local fio_pids; fio_pids="$(pgrep -P "$fio_pid" | tr "\n" " " || true)"
  schedstat before $fio_pid $fio_pids >>"$out/$label.sched-before" 2>/dev/null || true
  # fio's own threads are read at the end of the job, from a poll while it still runs
  while kill -0 "$fio_pid" 2>/dev/null; do
    schedstat after $fio_pid $fio_pids >"$out/$label.sched-fio" 2>/dev/null || true
    sleep 0.2
  done
  wait "$fio_pid"
  schedstat after "$@" >"$out/$label.sched-after"
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    perf sched timehist -i "$out/$label.perf" 2>/dev/null >"$out/$label.timehist" || true
    rm -f "$out/$label.perf"
  fi
  cat "$out/$label.sched-fio" >>"$out/$label.sched-after" 2>/dev/null || true
  date +%s.%N >>"$gcmark"
  echo "  $label: $(uptime | sed 's/.*load/load/')" >&2
}

for i in $(seq 1 "$runs"); do job "mirrored-$i" "$primary_pid" "$standby_pid"; done
kill "$standby_pid"; while kill -0 "$standby_pid" 2>/dev/null; do sleep 0.1; done
for i in $(seq 1 "$runs"); do job "unmirrored-$i" "$primary_pid"; done
"$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null
python3 "$bench_root/bench/qd1-tail.py" "$out" "$primary_pid" "$standby_pid" "$runs" | tee "$out/report.txt"
