#!/usr/bin/env bash
# Scale benchmark: one real standby process protecting N primaries (each with VOLUMES volumes), N-1 of them run by the
# load harness in one JVM ('understudy fleet': their real engines, addresses and links), p1 as its own process. For
# each N it prints the standby's heap after a full GC, RSS, native memory by category (NMT), threads, file
# descriptors, CPU idle (right after the initial sync, and settled 50 s after it) and under a steady write load, a warm
# SNMP walk of the whole MIB, the server time of /api/status, and the time from SIGKILL of p1 (under load) until the standby serves p1's export at p1's address.
# Writes bench/results/scale.json. Needs a quiet machine: every figure is CPU-sensitive.
# Usage: bench/scale.sh [N...]   (default 10 25 50 100)
# Environment: VOLUMES (4), VOLUME_SIZE (4MiB), RATE_PER_PRIMARY (writes/s per primary under load, 20),
#              SAMPLE (seconds per CPU sample, 20), STANDBY_JAVA_OPTS, FLEET_JAVA_OPTS (-Xmx3g),
#              UNDERSTUDY_DIST (another distribution directory to measure), RESULT (scale.json)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fleet-lib.sh"
need nbdinfo snmpbulkwalk curl python3
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10 25 50 100)
vols="${VOLUMES:-4}"; size="${VOLUME_SIZE:-4MiB}"; rate="${RATE_PER_PRIMARY:-20}"; sample="${SAMPLE:-20}"
[ -n "${UNDERSTUDY_DIST:-}" ] || "$bench_root/understudy" --version >/dev/null   # builds the distribution when needed
echo "bench: machine load: $(uptime)" >&2

rows=()
for n in "${counts[@]}"; do
  dir="$work/scale-$n"
  echo "bench: $n primaries x $vols volumes of $size: starting the standby, p1 and the harness" >&2
  fleet_start "$dir" "$n" "$vols" "$size"
  fleet_await_sync "$dir" $(( n * vols )) 900
  sleep 10   # let the initial sync's garbage settle
  # idle twice: right after the sync, while the JIT still compiles what the sync and the first health ticks ran (a
  # restarted standby's first minute), then settled, 50 s after the sync (a standby's idle state): the target is on
  # the settled figure, both are printed
  idle_early=$(cpu_percent "$standby_pid" "$sample")
  sleep 20
  idle_cpu=$(cpu_percent "$standby_pid" "$sample")
  heap=$(heap_after_gc_mib "$standby_pid")
  rss=$(rss_mib "$standby_pid"); threads=$(threads_of "$standby_pid"); fds=$(fds_of "$standby_pid")
  nmt=$(nmt_committed "$standby_pid")
  read -r walk_ms walk_n < <(snmp_walk "$dir")
  st_ms=$(status_ms "$dir")
  echo $(( n * rate )) > "$dir/load"
  sleep 5
  load_cpu=$(cpu_percent "$standby_pid" "$sample")
  load_rss=$(rss_mib "$standby_pid"); load_threads=$(threads_of "$standby_pid")
  failover=$(kill_to_serving 127.$net.1.1)
  sleep 11   # one more load report from the harness after the takeover
  p99=$(grep -o 'p99 [0-9.]* ms' "$dir/fleet.out" | tail -n 1 | awk '{print $2}')
  errors=$(awk '/^errors/ {print $2}' "$dir/fleet-load.txt" 2>/dev/null || echo "?")
  writes=$(awk '/^writes/ {print $2}' "$dir/fleet-load.txt" 2>/dev/null || echo "?")
  echo 0 > "$dir/load"
  fleet_stop
  row="$n $vols $heap $rss $threads $fds $idle_cpu $load_cpu $load_rss $load_threads $walk_ms $walk_n $st_ms $failover ${p99:-?} $writes $errors $idle_early|$nmt"
  echo "bench: $row" >&2
  rows+=("$row")
  rm -rf "$dir/data" "$dir/state/standby/replicas"
done

python3 - "$results/${RESULT:-scale.json}" "$rate" "$(uptime)" "${rows[@]}" <<'PY'
import json, sys
out, rate, uptime, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
keys = ["primaries", "volumes_each", "heap_after_gc_mib", "rss_mib", "threads", "fds", "cpu_idle_pct",
        "cpu_load_pct", "rss_load_mib", "threads_load", "snmp_walk_ms", "snmp_objects", "status_server_ms",
        "kill_to_serving_s", "harness_write_p99_ms", "harness_writes", "harness_write_errors",
        "cpu_idle_right_after_sync_pct"]
def num(s):
    try:
        return float(s) if "." in s else int(s)
    except ValueError:
        return s
runs = []
for r in rows:
    figures, nmt = r.split("|")
    d = dict(zip(keys, map(num, figures.split())))
    d["nmt_committed_mib"] = {k: float(v) for k, v in (x.split("=") for x in nmt.split())}
    runs.append(d)
slopes = {}
if len(runs) >= 2:
    a, b = runs[0], runs[-1]
    dn = b["primaries"] - a["primaries"]
    for k in ("rss_mib", "heap_after_gc_mib", "threads", "fds"):
        if isinstance(a[k], (int, float)) and isinstance(b[k], (int, float)):
            slopes[k + "_per_primary"] = round((b[k] - a[k]) / dn, 3)
big = runs[-1]
targets = {
    "RSS <= 4 MiB per primary above base": slopes.get("rss_mib_per_primary", 99) <= 4,
    "heap <= 1 MiB per primary": slopes.get("heap_after_gc_mib_per_primary", 99) <= 1,
    "no platform thread per primary": slopes.get("threads_per_primary", 99) < 0.5,
    "SNMP walk < 500 ms (largest N)": isinstance(big["snmp_walk_ms"], int) and big["snmp_walk_ms"] < 500,
    "status server time < 100 ms (largest N)": isinstance(big["status_server_ms"], float) and big["status_server_ms"] < 100,
    "idle CPU < 10 % of a core (largest N)": isinstance(big["cpu_idle_pct"], float) and big["cpu_idle_pct"] < 10,
    "kill -> serving <= 2.5 s under load (every N)": all(isinstance(r["kill_to_serving_s"], float)
                                                         and r["kill_to_serving_s"] <= 2.5 for r in runs),
}
json.dump({"runs": runs, "slopes": slopes, "targets": targets, "load_writes_per_s_per_primary": rate,
           "machine_load": uptime}, open(out, "w"), indent=2)
hdr = ("N", "heap", "RSS", "thr", "fds", "idle%", "load%", "walk ms", "objs", "status ms", "failover s", "p99 ms", "errors")
print("%5s %8s %8s %5s %5s %6s %6s %8s %6s %10s %10s %7s %6s" % hdr)
for r in runs:
    print("%5d %8s %8s %5s %5s %6s %6s %8s %6s %10s %10s %7s %6s" % (r["primaries"], r["heap_after_gc_mib"],
          r["rss_mib"], r["threads"], r["fds"], r["cpu_idle_pct"], r["cpu_load_pct"], r["snmp_walk_ms"],
          r["snmp_objects"], r["status_server_ms"], r["kill_to_serving_s"], r["harness_write_p99_ms"],
          r["harness_write_errors"]))
for r in runs:
    print(f'{r["primaries"]:5d} idle CPU right after the sync (JIT still compiling): {r["cpu_idle_right_after_sync_pct"]} %'
          f', settled (idle%): {r["cpu_idle_pct"]} %')
for r in runs:
    print(f'{r["primaries"]:5d} NMT committed MiB: ' + ", ".join(f"{k} {v}" for k, v in r["nmt_committed_mib"].items()))
print("per primary (first -> last N):", ", ".join(f"{k} {v}" for k, v in slopes.items()))
for t, ok in targets.items():
    print(("MET     " if ok else "MISSED  ") + t)
print("machine load during the run:", uptime)
print("written:", out)
PY
