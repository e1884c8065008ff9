# Helpers of the benchmarks that run the load harness (understudy fleet): a real standby process, primaries in one
# harness JVM, one primary as its own process (the one a benchmark kills), and the standby's figures from /proc and
# jcmd. Sourced after lib.sh, not run.

net=${BENCH_NET:-63}   # this benchmark's loopback net: standby 127.63.2.1, primaries 127.63.1.x (BENCH_NET moves it)
standby_addr=127.$net.2.1
# UNDERSTUDY_DIST runs another build (e.g. a copy of main's, for before/after figures) instead of this checkout's
launcher="${UNDERSTUDY_DIST:-$bench_root/installer/target/understudy}/bin/understudy"
java_bin="$(UNDERSTUDY_PRINT_JAVA=1 bash "$bench_root/installer/src/bin/understudy")"
jcmd="$(dirname "$java_bin")/jcmd"
clk_tck="$(getconf CLK_TCK)"

# fleet_start DIR N VOLUMES SIZE [SEPARATE_P1]: prepares DIR, starts the standby (NMT on), p1 as its own process
# (unless SEPARATE_P1 is 0: then the harness runs it too) and the harness with every other primary; sets
# standby_pid, p1_pid (empty when p1 is in the harness), fleet_pid
fleet_start() {
  local dir="$1" n="$2" vols="$3" size="$4" separate="${5:-1}" skip=(--skip p1)
  rm -rf "$dir"
  "$launcher" fleet --prepare --dir "$dir" --primaries "$n" --volumes "$vols" --volume-size "$size" \
      --loopback-net "$net" >/dev/null
  UNDERSTUDY_JAVA_OPTS="-XX:NativeMemoryTracking=summary ${STANDBY_JAVA_OPTS:-}" \
      "$launcher" standby --config "$dir/cluster.yaml" --node standby >"$dir/standby.out" 2>&1 &
  standby_pid=$!; pids+=("$standby_pid")
  local i
  for i in $(seq 1 600); do
    (exec 3<>"/dev/tcp/$standby_addr/7800") 2>/dev/null && break
    kill -0 "$standby_pid" 2>/dev/null || { echo "bench: the standby exited (see $dir/standby.out)" >&2; exit 1; }
    sleep 0.1
  done
  p1_pid=""
  if [ "$separate" = 1 ]; then
    "$launcher" primary --config "$dir/cluster.yaml" --node p1 >"$dir/p1.out" 2>&1 &
    p1_pid=$!; pids+=("$p1_pid")
    disown "$p1_pid"   # the benchmark SIGKILLs it: no job-control notice
  else
    skip=()
  fi
  UNDERSTUDY_JAVA_OPTS="${FLEET_JAVA_OPTS:--Xmx3g}" "$launcher" fleet --dir "$dir" "${skip[@]}" >"$dir/fleet.out" 2>&1 &
  fleet_pid=$!; pids+=("$fleet_pid")
}

# fleet_await_sync DIR EXPECTED TIMEOUT_S: until the standby shows EXPECTED replicas in sync
fleet_await_sync() {
  local dir="$1" want="$2" limit="$3" t0 n
  t0=$(date +%s)
  while :; do
    n="$("$launcher" status --config "$dir/cluster.yaml" --json 2>/dev/null | python3 -c '
import json, sys
try:
    print(sum(1 for v in json.load(sys.stdin)["volumes"] if v["state"] == "IN_SYNC"))
except Exception:
    print(0)')" || n=0
    [ "$n" -ge "$want" ] && return 0
    if [ $(( $(date +%s) - t0 )) -gt "$limit" ]; then
      echo "bench: only $n of $want replicas in sync after $limit s (logs in $dir)" >&2; return 1
    fi
    kill -0 "$fleet_pid" 2>/dev/null || { echo "bench: the harness exited (see $dir/fleet.out)" >&2; return 1; }
    sleep 2
  done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# cpu_percent PID SECONDS: the process's CPU over that time, in % of one core
cpu_percent() {
  local a b
  a=$(cpu_ticks "$1"); sleep "$2"; b=$(cpu_ticks "$1")
  python3 -c "print(f'{($b - $a) * 100 / $clk_tck / $2:.1f}')"
}

# thread_times PID: a line per thread, "TID NAME CPU_NS RUNS" from /proc/PID/task/TID/schedstat (the time it spent on
# a CPU and the times it was put on one), for thread_busiest
thread_times() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ < "$t/comm")" "$(cut -d' ' -f1,3 "$t/schedstat")"
  done 2>/dev/null
}

# thread_busiest BEFORE AFTER SECONDS: the five threads that used the most CPU between two thread_times files, as
# "name 0.31 % (5.8 runs/s)", comma-separated (names as the kernel keeps them: the first 15 characters)
thread_busiest() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
def read(f):
    out = {}
    for line in open(f):
        p = line.split()
        if len(p) == 4:
            out[p[0]] = (p[1], int(p[2]), int(p[3]))
    return out
a, b, s = read(sys.argv[1]), read(sys.argv[2]), float(sys.argv[3])
used = sorted(((b[t][1] - a[t][1], b[t][2] - a[t][2], b[t][0]) for t in b if t in a), reverse=True)[:5]
print(", ".join(f"{name} {ns / s / 1e7:.2f} % ({runs / s:.1f} runs/s)" for ns, runs, name in used if ns > 0))
PY
}

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
threads_of() { awk '/^Threads/ {print $2}' "/proc/$1/status"; }
fds_of() { ls "/proc/$1/fd" | wc -l; }

# heap_after_gc_mib PID: full GC, then the heap in use
heap_after_gc_mib() {
  "$jcmd" "$1" GC.run >/dev/null
  "$jcmd" "$1" GC.heap_info | python3 -c '
import re, sys
text = sys.stdin.read()
g1 = re.search(r"garbage-first heap.*?used (\d+)K", text)
# the serial and parallel collectors list their generations: the heap is their sum
gens = r"^\s*(?:DefNew|Tenured|def new generation|tenured generation|PSYoungGen|ParOldGen)\s+total \d+K, used (\d+)K"
used = [int(g1.group(1))] if g1 else [int(u) for u in re.findall(gens, text, re.M)]
print(f"{sum(used) / 1024:.1f}" if used else "?")'
}

# nmt_committed PID: "category=MiB ..." of the categories above 1 MiB committed, largest first
nmt_committed() {
  "$jcmd" "$1" VM.native_memory summary | python3 -c '
import re, sys
rows = re.findall(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", sys.stdin.read(), re.M)
rows = sorted(((n.strip().replace(" ", "_"), int(c) / 1024) for n, c in rows), key=lambda r: -r[1])
print(" ".join(f"{n}={c:.1f}" for n, c in rows if c >= 1))'
}

# status_ms DIR: server time of the standby's /api/status (time to first byte, loopback), median of 7 warm calls
status_ms() {
  local token
  token="$(sed -n 's/^adminToken: *//p' "$1/secrets.yaml" | tr -d "\"' ")"
  for _ in 1 2 3 4 5 6 7 8; do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Authorization: Bearer $token" "http://$standby_addr:7800/api/status"
  done | tail -n 7 | sort -n | sed -n 4p | python3 -c 'import sys; print(f"{float(sys.stdin.read()) * 1000:.1f}")'
}

# snmp_walk DIR: "MS OBJECTS" of a warm snmpbulkwalk of the whole MIB as the read-only v3 user
snmp_walk() {
  local line user auth priv t0 t1 n
  line="$(grep -E 'access: read-only' "$1/secrets.yaml" | head -n 1)"
  user="$(sed -E 's/.*name: *([^,}]*).*/\1/' <<<"$line")"
  auth="$(sed -E 's/.*authPassword: *([^,}]*).*/\1/' <<<"$line" | tr -d "\"' ")"
  priv="$(sed -E 's/.*privPassword: *([^,}]*).*/\1/' <<<"$line" | tr -d "\"' ")"
  local walk=(snmpbulkwalk -v3 -l authPriv -u "$user" -a SHA-256 -A "$auth" -x AES -X "$priv" -m '' -On -t 10 -r 0
              "$standby_addr:16161" 1.3.6.1.4.1.32473.7)
  "${walk[@]}" >/dev/null 2>&1 || true
  t0=$(date +%s%N); n=$("${walk[@]}" 2>/dev/null | wc -l); t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 )) $n"
}

# kill_to_serving ADDR: SIGKILLs p1, then seconds until its export answers an NBD handshake at ADDR again
kill_to_serving() {
  local t0 t1
  t0=$(date +%s%N)
  kill -9 "$p1_pid"
  until nbdinfo --size "nbd://$1:10809/vol0" >/dev/null 2>&1; do
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt 60 ] && { echo "timeout"; return 0; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  python3 -c "print(f'{($t1 - $t0) / 1e9:.2f}')"
}

# fleet_stop: stops the harness, then the standby (by pid), waiting for each
fleet_stop() {
  local p
  for p in "$fleet_pid" $p1_pid "$standby_pid"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
