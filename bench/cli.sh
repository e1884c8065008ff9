#!/usr/bin/env bash
# CLI benchmark: how long an operator waits for the client commands, against a demo cluster, with curl asking the
# same node for the same status as the reference in the same run (and an empty JVM start, the floor of any Java
# command on this machine). Prints the median and p90 of each and writes
# bench/results/cli.json. Target: median `understudy status` under 0.5 s.
# Usage: bench/cli.sh [RUNS]   (default 20 runs of each command)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need curl python3
runs="${1:-20}"
launcher="$bench_root/installer/target/understudy/bin/understudy"

# BENCH_LOOPBACK_NET: the demo's 127.N.x.y net (default 231), to run beside other demos on the machine
"$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 2 --volume-size 8MiB \
    --loopback-net "${BENCH_LOOPBACK_NET:-231}" >/dev/null
config="$work/demo/cluster.yaml"
token="$(sed -n 's/^adminToken: //p' "$work/demo/secrets.yaml")"
admin="$(python3 -c 'import json,sys; print([n["adminUrl"] for n in json.load(open(sys.argv[1]))["nodes"] if n["role"]=="standby"][0])' "$work/demo/cluster.json")"

# time_cmd NAME CMD... : runs CMD $runs times (after one warm-up), prints "NAME t1 t2 ..." in seconds
time_cmd() {
  local name="$1"; shift
  "$@" >/dev/null 2>&1 || true
  local out=("$name") i t0 t1
  for i in $(seq 1 "$runs"); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    out+=("$(python3 -c "print(f'{$t1-$t0:.4f}')")")
  done
  echo "${out[*]}"
}

export UNDERSTUDY_CONFIG="$config"
{
  time_cmd curl_status curl -sf -H "Authorization: Bearer $token" "$admin/api/status"
  # the floor of any JVM command here: an empty JVM start with the launcher's client options
  time_cmd jvm_version "$(UNDERSTUDY_PRINT_JAVA=1 "$launcher")" @"${launcher%/bin/understudy}/conf/jvm/client.options" -version
  time_cmd status "$launcher" status
  time_cmd status_json "$launcher" status --json
  time_cmd check "$launcher" check
  time_cmd autoswitch_query "$launcher" autoswitch
  time_cmd autoswitch_on "$launcher" autoswitch on
  time_cmd version "$launcher" -V
} > "$work/cli-times.txt"

python3 - "$work/cli-times.txt" "$results/cli.json" "$runs" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *ts = line.split()
    ts = sorted(float(t) for t in ts)
    rows[name] = {"median_s": round(statistics.median(ts), 4), "p90_s": round(ts[int(0.9 * (len(ts) - 1))], 4),
                  "min_s": round(ts[0], 4)}
ref = rows["curl_status"]["median_s"]
for name, r in rows.items():
    r["vs_curl"] = round(r["median_s"] / ref, 1) if ref > 0 else None
    print(f'{name:18s} median {r["median_s"]*1000:7.1f} ms  p90 {r["p90_s"]*1000:7.1f} ms  min {r["min_s"]*1000:7.1f} ms'
          f'  ({r["vs_curl"]}x curl)')
ok = rows["status"]["median_s"] < 0.5
print(f'target: median understudy status < 500 ms: {"met" if ok else "NOT met"}')
json.dump({"runs": int(sys.argv[3]), "commands": rows, "target_status_median_s": 0.5, "target_met": ok},
          open(sys.argv[2], "w"), indent=2)
PY
