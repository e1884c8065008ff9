#!/usr/bin/env bash
# Web console benchmark: the real web face over a synthetic standby of 20 primaries with 4 volumes each, HTTPS as
# shipped (WebBench in web's test classes). Measures, and compares with the targets of the issue:
#   - overview page server time (curl: first byte after the request was sent), median of N  -> target < 50 ms
#   - /metrics with the bearer token, same measure                                        -> target < 50 ms
#   - a model change reaching 50 open SSE pages (max over the pages, per round)           -> target < 1 s
#   - the node's CPU with 50 idle consoles open (curl -N streams), over IDLE_SECONDS      -> target < 5 % of one core
#   - the overview's first load in a fresh headless Chromium (fetch to load event)        -> target < 1 s
# Writes bench/results/web.json. Usage: bench/web.sh [REQUESTS] [IDLE_SECONDS]   (default 50 requests, 30 s)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need curl python3 mvn chromium chromedriver
requests="${1:-50}"
idle_seconds="${2:-30}"
primaries=20
volumes=4
pages=50
rounds=10

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
(cd "$bench_root" && mvn -q -B -o -pl web -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null)
cp="$bench_root/web/target/test-classes:$bench_root/web/target/classes:$(cat "$bench_root/web/target/bench.cp")"

fifo="$work/web-bench.in"
rm -f "$fifo"; mkfifo "$fifo"
"$JAVA_HOME/bin/java" -Dlog4j2.level=WARN -cp "$cp" org.understudy.web.WebBench "$primaries" "$volumes" "$pages" "$rounds" \
    <"$fifo" >"$work/web-bench.out" 2>"$work/web-bench.err" &
pids+=($!)
exec 3>"$fifo"   # keeps the node's stdin open; closed on exit
wait_line() {  # wait_line PREFIX SECONDS
  local i
  for i in $(seq 1 $(( $2 * 20 ))); do grep -q "^$1" "$work/web-bench.out" 2>/dev/null && return 0; sleep 0.05; done
  echo "bench: no '$1' from the node; see $work/web-bench.err" >&2; exit 1
}
wait_line READY 120
read -r _ base cookie token node_pid < <(grep '^READY' "$work/web-bench.out")

timed() {  # timed ARGS... -> one line per request: server time (first byte after the request was sent) and total, in µs
  local i
  for i in $(seq 1 "$requests"); do
    curl -sk -o /dev/null -w '%{time_pretransfer} %{time_starttransfer} %{time_total}\n' "$@"
  done
}
timed -b "$cookie" "$base/" >/dev/null   # warm-up (JIT)
overview="$(timed -b "$cookie" "$base/")"
metrics="$(timed -H "Authorization: Bearer $token" "$base/metrics")"
overview_bytes=$(curl -sk -b "$cookie" "$base/" | wc -c)
metrics_lines=$(curl -sk -H "Authorization: Bearer $token" "$base/metrics" | grep -vc '^#')

wait_line IDLE 180
grep -q '^PAGES '"$pages"'$' "$work/web-bench.out" || { echo "bench: not every SSE page opened: $(grep '^PAGES' "$work/web-bench.out")" >&2; exit 1; }
streams=()
for i in $(seq 1 "$pages"); do
  curl -sk -N -H 'Accept: text/event-stream' -b "$cookie" "$base/live?view=overview" >/dev/null 2>&1 &
  streams+=($!); pids+=($!)
done
sleep 5   # every stream open and past its first full view
open_streams=$(ss -Htn state established "( sport = :${base##*:} )" | wc -l)
ticks() { awk '{print $14 + $15}' "/proc/$node_pid/stat"; }
t0=$(ticks); s0=$(date +%s%N)
sleep "$idle_seconds"
t1=$(ticks); s1=$(date +%s%N)
for p in "${streams[@]}"; do kill "$p" 2>/dev/null || true; done
echo idle-done >&3
wait_line DONE 120

python3 - "$results/web.json" "$primaries" "$volumes" "$pages" "$(getconf CLK_TCK)" "$t0" "$t1" "$s0" "$s1" \
    "$overview_bytes" "$metrics_lines" "$open_streams" "$(cut -d" " -f1 /proc/loadavg)" "$(nproc)" "$work/web-bench.out" \
    "$overview" "$metrics" <<'PY'
import json, statistics, sys
(out, primaries, volumes, pages, hz, t0, t1, s0, s1, ov_bytes, m_lines, open_streams, load, cpus, bench_out,
 overview, metrics) = sys.argv[1:18]
def server_ms(text):
    rows = [tuple(float(x) for x in line.split()) for line in text.strip().splitlines()]
    return sorted((st - pre) * 1000 for pre, st, _ in rows)
ov, me = server_ms(overview), server_ms(metrics)
lines = open(bench_out).read().splitlines()
fan = [(int(l.split()[2]), int(l.split()[3])) for l in lines if l.startswith("FANOUT")]
chromium = [int(l.split()[1]) for l in lines if l.startswith("CHROMIUM")]
cpu = (int(t1) - int(t0)) / int(hz) / ((int(s1) - int(s0)) / 1e9) * 100
res = {
    "primaries": int(primaries), "volumesPerPrimary": int(volumes),
    "overviewServerMs": {"median": round(statistics.median(ov), 2), "p90": round(ov[int(len(ov) * 0.9) - 1], 2), "target": 50},
    "overviewBytes": int(ov_bytes),
    "metricsServerMs": {"median": round(statistics.median(me), 2), "p90": round(me[int(len(me) * 0.9) - 1], 2), "target": 50},
    "metricsSamples": int(m_lines),
    "sseFanoutMs": {"pages": int(pages), "rounds": [ms for ms, _ in fan], "median": statistics.median([ms for ms, _ in fan]),
                    "max": max(ms for ms, _ in fan), "allPagesReached": all(n >= int(pages) for _, n in fan), "target": 1000},
    "idleConsolesCpuPercentOfOneCore": {"pages": int(pages), "connectionsOpen": int(open_streams),
                                        "percent": round(cpu, 2), "target": 5},
    "chromiumFirstLoadMs": {"value": chromium[0] if chromium else None, "target": 1000},
    "loadAverage": float(load), "cpus": int(cpus),
}
json.dump(res, open(out, "w"), indent=2)
print(json.dumps(res, indent=2))
print(f"overview {res['overviewServerMs']['median']} ms, /metrics {res['metricsServerMs']['median']} ms, "
      f"fan-out to {pages} pages median {res['sseFanoutMs']['median']} ms max {res['sseFanoutMs']['max']} ms, "
      f"{pages} idle consoles {res['idleConsolesCpuPercentOfOneCore']['percent']} % of a core, "
      f"Chromium first load {res['chromiumFirstLoadMs']['value']} ms (load average {load} on {cpus} cpus)")
PY
