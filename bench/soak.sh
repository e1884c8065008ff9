#!/usr/bin/env bash
# Soak: 20 primaries (the load harness, 'understudy fleet', every one in one JVM) against a real standby under a
# steady mixed write load (4 KiB-256 KiB, some FUA, some FLUSH) for DURATION. Samples the standby's heap after a
# full GC, threads, RSS, file descriptors and its event log's size; at the end stops the load, checks that every
# replica is in sync and byte-identical to its volume (cmp of the files), and reports the slopes per hour and the
# standby's RSS over time. Fails on any client write error, any replica not identical, heap or threads growing, an
# RSS that does not level off, or an event log that grows without bound. Writes bench/results/soak.json.
# Usage: bench/soak.sh [DURATION_S]   (default 3600)
# Environment: PRIMARIES (20), VOLUMES (2), VOLUME_SIZE (16MiB), RATE (writes/s over all volumes, 200),
#              SAMPLE_EVERY (seconds, default DURATION/20, at least 10), UNDERSTUDY_DIST
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fleet-lib.sh"
need python3 cmp
duration="${1:-3600}"
n="${PRIMARIES:-20}"; vols="${VOLUMES:-2}"; size="${VOLUME_SIZE:-16MiB}"; rate="${RATE:-200}"
every="${SAMPLE_EVERY:-$(( duration / 20 > 10 ? duration / 20 : 10 ))}"
[ -n "${UNDERSTUDY_DIST:-}" ] || "$bench_root/understudy" --version >/dev/null
echo "bench: machine load: $(uptime)" >&2
dir="$work/soak"
fleet_start "$dir" "$n" "$vols" "$size" 0
fleet_await_sync "$dir" $(( n * vols )) 900
echo "$rate" > "$dir/load"
echo "bench: soaking $n primaries x $vols volumes at $rate writes/s for $duration s (a sample every $every s)" >&2
samples="$work/soak-samples.txt"; : > "$samples"
t0=$(date +%s)
while :; do
  now=$(( $(date +%s) - t0 ))
  heap=$(heap_after_gc_mib "$standby_pid")
  events_kib=$(du -sk "$dir/state/standby/events" | awk '{print $1}')
  echo "$now $heap $(threads_of "$standby_pid") $(rss_mib "$standby_pid") $(fds_of "$standby_pid") $events_kib" >> "$samples"
  [ "$now" -ge "$duration" ] && break
  kill -0 "$fleet_pid" 2>/dev/null || { echo "bench: the harness exited (see $dir/fleet.out)" >&2; exit 1; }
  sleep "$every"
done
echo 0 > "$dir/load"
sleep 12   # the writes in flight finish; one more report from the harness
fleet_await_sync "$dir" $(( n * vols )) 120
errors=$(awk '/^errors/ {print $2}' "$dir/fleet-load.txt"); writes=$(awk '/^writes/ {print $2}' "$dir/fleet-load.txt")
skipped=$(awk '/^skipped/ {print $2}' "$dir/fleet-load.txt")
fleet_stop   # a clean stop: every volume and replica file closed
mismatch=0
for img in "$dir"/data/p*/vol*.img; do
  p="$(basename "$(dirname "$img")")"; v="$(basename "$img")"
  if ! cmp -s "$img" "$dir/state/standby/replicas/$p/$v"; then
    echo "bench: replica of $p/${v%.img} differs from the volume" >&2; mismatch=$((mismatch + 1))
  fi
done

python3 - "$samples" "$results/soak.json" "$duration" "$writes" "$errors" "$skipped" "$mismatch" "$(uptime)" <<'PY'
import json, sys
samples, out, duration, writes, errors, skipped, mismatch, uptime = sys.argv[1:]
rows = [list(map(float, l.split())) for l in open(samples) if l.strip()]
def slope(col, part=None):   # least squares, per hour
    part = rows if part is None else part
    xs = [r[0] for r in part]; ys = [r[col] for r in part]
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return 0.0 if den == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 3600
# the first sample is taken right after the initial sync; steady state is what follows
steady = rows[1:] if len(rows) > 2 else rows
rows_all, rows = rows, steady
res = {
    "duration_s": int(duration), "writes": int(writes), "write_errors": int(errors), "skipped_busy": int(skipped),
    "replicas_differing": int(mismatch),
    "heap_mib_per_hour": round(slope(1), 2), "threads_per_hour": round(slope(2), 2),
    "rss_mib_per_hour": round(slope(3), 2), "fds_per_hour": round(slope(4), 2),
    "event_log_kib_per_hour": round(slope(5), 1),
    "first": rows_all[0], "last": rows_all[-1], "samples": len(rows_all), "machine_load": uptime,
    "rss_mib": [[int(r[0]), r[3]] for r in rows_all],
}
# RSS levels off: the standby's native memory warms up (malloc arenas, code cache, buffer pools reaching their bounds,
# the heap's size) early in a run and then stays; a leak grows at a steady rate. The growth over the last third of the
# steady samples (its least-squares slope times its span, so one sample's noise does not decide) must be at most half
# the growth over the first third, or under 4 MiB: a leak grows as much in the last third as in the first and fails
# once it passes 4 MiB per third (about 12 MiB per hour over an hour's run); warm-up passes; 4 MiB absorbs a trim of
# the native heap (every minute) landing between two samples. A slow leak under a warm-up twice its size passes one
# run: the last third's growth is reported, compare it across runs
third = max(2, len(rows) // 3)
span = lambda part: part[-1][0] - part[0][0]
rss_first_third = slope(3, rows[:third]) * span(rows[:third]) / 3600
rss_last_third = slope(3, rows[-third:]) * span(rows[-third:]) / 3600
res["rss_growth_mib"] = {"first_third": round(rss_first_third, 1), "last_third": round(rss_last_third, 1),
                         "whole_run": round(rows_all[-1][3] - rows_all[0][3], 1)}
# flat: under 5 MiB of heap per hour of growth; the event log: under 1 MiB per hour of steady load. A run of a few
# minutes is too short for slopes per hour to mean much: they are reported, the threshold is for the hour-long run
checks = {
    "no client write error": res["write_errors"] == 0,
    "replicas byte-identical": res["replicas_differing"] == 0,
    "heap flat (< 5 MiB/h)": res["heap_mib_per_hour"] < 5,
    # virtual threads' carriers come and go: flat means the later half never holds more than the earlier half + 4
    "threads flat (later max <= earlier max + 4)": max(r[2] for r in rows[len(rows) // 2:])
                                                   <= max(r[2] for r in rows[:max(1, len(rows) // 2)]) + 4,
    "RSS levels off (last third's growth <= max(4 MiB, first third's / 2))":
        rss_last_third <= max(4.0, rss_first_third / 2),
    "event log bounded (< 1 MiB/h)": res["event_log_kib_per_hour"] < 1024,
}
res["checks"] = checks
json.dump(res, open(out, "w"), indent=2)
print(f'soak {duration} s: {writes} writes, {errors} errors, {skipped} skipped (busy), {mismatch} replica(s) differing')
print(f'slopes per hour: heap {res["heap_mib_per_hour"]} MiB, threads {res["threads_per_hour"]}, '
      f'RSS {res["rss_mib_per_hour"]} MiB, fds {res["fds_per_hour"]}, event log {res["event_log_kib_per_hour"]} KiB')
print("samples (s heap_MiB threads rss_MiB fds eventlog_KiB):", rows_all[0], "...", rows_all[-1])
print("standby RSS over time (s: MiB):", ", ".join(f"{int(r[0])}: {r[3]:.0f}" for r in rows_all))
print(f'standby RSS growth: {res["rss_growth_mib"]["whole_run"]} MiB over the run, '
      f'{res["rss_growth_mib"]["first_third"]} MiB in the first third, {res["rss_growth_mib"]["last_third"]} in the last')
for k, ok in checks.items():
    print(("OK      " if ok else "FAILED  ") + k)
print("machine load:", uptime)
print("written:", out)
sys.exit(0 if all(checks.values()) else 1)
PY
