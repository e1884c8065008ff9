#!/usr/bin/env bash
# The primary agent's footprint with default settings: a standby and one primary with two 64 MiB volumes (the
# launcher's own JVM options), in sync and idle; prints the primary's RSS idle (what the target checks), then its
# heap and RSS after a full GC, threads (by name), file descriptors and CPU while idle (with the five threads that
# used most of it), then RSS again after 30 writes of 1 MiB (qemu-io). Writes bench/results/agent.json.
# "Default settings" are what `understudy setup` writes for a primary: no snmp:, jmx: or web: block (setup adds snmp:
# and jmx: only when the operator gives their ports, and never web:), so the primary's faces are stripped from the
# prepared, demo-shaped cluster file; AGENT_FACES=all keeps them (every face on) for comparison.
# Usage: bench/agent.sh [IDLE_SECONDS]   (default 60)
# Environment: UNDERSTUDY_DIST (another distribution directory to measure), AGENT_FACES (none, the default, or all),
# AGENT_JAVA_OPTS (UNDERSTUDY_JAVA_OPTS of the primary only, to try an option), BENCH_NET (the loopback net, 63),
# AGENT_SETTLED (seconds: also read the idle CPU once the agent is that old, e.g. 660; the first reading comes about a
# minute after the start, while the per-tick code still runs interpreted below C1's raised invocation thresholds)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fleet-lib.sh"
need python3 qemu-io
idle="${1:-60}"
faces="${AGENT_FACES:-none}"
case "$faces" in none|all) ;; *) echo "bench: AGENT_FACES is none or all, not $faces" >&2; exit 1 ;; esac
[ -n "${UNDERSTUDY_DIST:-}" ] || "$bench_root/understudy" --version >/dev/null
echo "bench: machine load: $(uptime)" >&2
dir="$work/agent"
rm -rf "$dir"
"$launcher" fleet --prepare --dir "$dir" --primaries 1 --volumes 2 --volume-size 64MiB --loopback-net "$net" >/dev/null
if [ "$faces" = none ]; then   # the primaries' face blocks out; the standby keeps its own
  python3 - "$dir/cluster.yaml" <<'PY'
import re, sys
f = sys.argv[1]
out, in_primaries = [], False
for line in open(f):
    if re.match(r"^\S", line):
        in_primaries = line.startswith("primaries:")
    if in_primaries and re.match(r"^\s+(snmp|jmx|web):", line):
        continue
    out.append(line)
open(f, "w").write("".join(out))
PY
fi
"$launcher" standby --config "$dir/cluster.yaml" --node standby >"$dir/standby.out" 2>&1 & standby_pid=$!; pids+=("$standby_pid")
UNDERSTUDY_JAVA_OPTS="${AGENT_JAVA_OPTS:-${UNDERSTUDY_JAVA_OPTS:-}}" \
    "$launcher" primary --config "$dir/cluster.yaml" --node p1 >"$dir/p1.out" 2>&1 & p1_pid=$!; pids+=("$p1_pid")
fleet_pid=$p1_pid
fleet_await_sync "$dir" 2 300
sleep 20   # start-up compilations and the initial sync's garbage settle
thread_times "$p1_pid" >"$dir/threads.before"
cpu=$(cpu_percent "$p1_pid" "$idle")
thread_times "$p1_pid" >"$dir/threads.after"
busiest=$(thread_busiest "$dir/threads.before" "$dir/threads.after" "$idle")
rss=$(rss_mib "$p1_pid"); threads=$(threads_of "$p1_pid"); fds=$(fds_of "$p1_pid")
heap=$(heap_after_gc_mib "$p1_pid")
rss_gc=$(rss_mib "$p1_pid")
names=$("$jcmd" "$p1_pid" Thread.print 2>/dev/null | sed -n 's/^"\([^"]*\)".*/\1/p' | sed -E 's/[0-9]+/N/g' | sort | uniq -c \
        | sort -rn | awk '{c=$1; $1=""; printf "%s%s x%d", (NR>1?",":""), $0, c}')
for i in $(seq 1 30); do
  qemu-io -f raw -t none -c "write -P $((i % 250)) $(( (i % 60) * 1048576 )) 1M" -c flush "nbd://127.$net.1.1:10809/vol0" >/dev/null
done
sleep 5
rss_load=$(rss_mib "$p1_pid")
settled_at="${AGENT_SETTLED:-0}"
cpu_settled=""
busiest_settled=""
if [ "$settled_at" -gt 0 ]; then
  age=$(ps -o etimes= -p "$p1_pid" | tr -d ' ')
  [ "$age" -ge "$settled_at" ] || sleep $(( settled_at - age ))
  thread_times "$p1_pid" >"$dir/threads.before"
  cpu_settled=$(cpu_percent "$p1_pid" "$idle")
  thread_times "$p1_pid" >"$dir/threads.after"
  busiest_settled=$(thread_busiest "$dir/threads.before" "$dir/threads.after" "$idle")
fi
kill "$p1_pid" "$standby_pid"; wait "$p1_pid" "$standby_pid" 2>/dev/null || true
python3 - "$results/agent.json" "$rss" "$rss_gc" "$heap" "$threads" "$fds" "$cpu" "$rss_load" "$names" "$(uptime)" "$faces" \
    "$settled_at" "$cpu_settled" "$busiest" "$busiest_settled" <<'PY'
import json, sys
(out, rss, rss_gc, heap, threads, fds, cpu, rss_load, names, uptime, faces, settled_at, cpu_settled, busiest,
 busiest_settled) = sys.argv[1:]
r = {"faces": faces, "rss_mib": float(rss), "rss_after_gc_mib": float(rss_gc), "heap_after_gc_mib": float(heap),
     "threads": int(threads), "fds": int(fds), "cpu_idle_pct": float(cpu), "rss_after_30_1MiB_writes_mib": float(rss_load),
     "thread_names": names.strip(), "busiest_threads_idle": busiest, "machine_load": uptime}
r["targets"] = {"RSS <= 64 MB (idle)": r["rss_mib"] * 1.048576 <= 64, "idle CPU < 1 % of a core": r["cpu_idle_pct"] < 1}
if cpu_settled:
    r["cpu_idle_settled_pct"] = float(cpu_settled)
    r["cpu_idle_settled_at_s"] = int(settled_at)
    r["busiest_threads_settled"] = busiest_settled
    r["targets"][f"idle CPU < 1 % of a core ({settled_at} s after the start)"] = float(cpu_settled) < 1
json.dump(r, open(out, "w"), indent=2)
print(f'primary agent ({"every face" if faces == "all" else "no face: default settings"}), 2 x 64 MiB volumes, '
      f'idle: RSS {rss} MiB ({float(rss) * 1.048576:.1f} MB; {rss_gc} MiB after a full GC), heap after GC {heap} MiB, '
      f'{threads} threads, {fds} fds, CPU {cpu} % of a core; RSS after 30 x 1 MiB writes {rss_load} MiB')
print("busiest threads while idle:", busiest)
if cpu_settled:
    print(f"idle CPU {settled_at} s after the start: {cpu_settled} % of a core; busiest threads: {busiest_settled}")
print("threads:", names.strip())
for t, ok in r["targets"].items():
    print(("MET     " if ok else "MISSED  ") + t)
print("machine load:", uptime)
print("written:", out)
PY
