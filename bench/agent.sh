#!/usr/bin/env bash
# The primary agent's footprint with default settings: a standby and one primary with two 64 MiB volumes (the
# launcher's own JVM options), in sync and idle; prints the primary's RSS, heap after a full GC, threads (by name),
# file descriptors and CPU while idle, then the same after a minute of a light write load (qemu-io), RSS again.
# Writes bench/results/agent.json.
# Usage: bench/agent.sh [IDLE_SECONDS]   (default 60)
# Environment: UNDERSTUDY_DIST (another distribution directory to measure)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fleet-lib.sh"
need python3 qemu-io
idle="${1:-60}"
[ -n "${UNDERSTUDY_DIST:-}" ] || "$bench_root/understudy" --version >/dev/null
echo "bench: machine load: $(uptime)" >&2
dir="$work/agent"
rm -rf "$dir"
"$launcher" fleet --prepare --dir "$dir" --primaries 1 --volumes 2 --volume-size 64MiB --loopback-net "$net" >/dev/null
"$launcher" standby --config "$dir/cluster.yaml" --node standby >"$dir/standby.out" 2>&1 & standby_pid=$!; pids+=("$standby_pid")
"$launcher" primary --config "$dir/cluster.yaml" --node p1 >"$dir/p1.out" 2>&1 & p1_pid=$!; pids+=("$p1_pid")
fleet_pid=$p1_pid
fleet_await_sync "$dir" 2 300
sleep 20   # start-up compilations and the initial sync's garbage settle
cpu=$(cpu_percent "$p1_pid" "$idle")
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
kill "$p1_pid" "$standby_pid"; wait "$p1_pid" "$standby_pid" 2>/dev/null || true
python3 - "$results/agent.json" "$rss" "$rss_gc" "$heap" "$threads" "$fds" "$cpu" "$rss_load" "$names" "$(uptime)" <<'PY'
import json, sys
out, rss, rss_gc, heap, threads, fds, cpu, rss_load, names, uptime = sys.argv[1:]
r = {"rss_mib": float(rss), "rss_after_gc_mib": float(rss_gc), "heap_after_gc_mib": float(heap),
     "threads": int(threads), "fds": int(fds), "cpu_idle_pct": float(cpu), "rss_after_30_1MiB_writes_mib": float(rss_load),
     "thread_names": names.strip(), "machine_load": uptime}
r["targets"] = {"RSS <= 64 MB (idle)": r["rss_mib"] * 1.048576 <= 64, "idle CPU < 1 % of a core": r["cpu_idle_pct"] < 1}
json.dump(r, open(out, "w"), indent=2)
print(f'primary agent, 2 x 64 MiB volumes, idle: RSS {rss} MiB ({rss_gc} after a full GC), heap after GC {heap} MiB, '
      f'{threads} threads, {fds} fds, CPU {cpu} % of a core; RSS after 30 x 1 MiB writes {rss_load} MiB')
print("threads:", names.strip())
for t, ok in r["targets"].items():
    print(("MET     " if ok else "MISSED  ") + t)
print("machine load:", uptime)
print("written:", out)
PY
