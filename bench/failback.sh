#!/usr/bin/env bash
# Failback benchmark: a primary is SIGKILLed and the standby stands in; clients write CHANGED (default 16 MiB) of
# random 64 KiB blocks to the stand-in; the primary is restarted (it comes back fenced) and `understudy failback`
# hands its role back. Reports what the failback copied (the decision-table rule and the bytes, from the failback
# timeline), each step's duration, the failback's total, and the time until the standby reports the primary PROTECTED
# again (from the engine's own timestamps, and from the CLI with its JVM starts), for a small and a large volume: an
# incremental failback must cost what changed, not what the volume holds. PROTECTED is reported when the failback
# ends; the primary's links then reconnect and resume in sync on their own (about 0.1 s later here, not timed).
# Writes bench/results/failback.json.
# Usage: bench/failback.sh [SIZE...]   (default 64MiB 4GiB; CHANGED=16M in the environment)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio nbdinfo python3 setsid
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64MiB 4GiB)
changed="${CHANGED:-16M}"
net=79   # a loopback net of its own (127.79.x.y), so other demos and test runs on the machine do not collide
addr=127.$net.1.1
"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed

state_of() {  # state_of NODE -> p1's state as NODE reports it
  "$bench_root/understudy" status --config "$work/demo/cluster.yaml" --node "$1" --json 2>/dev/null \
    | python3 -c 'import json,sys; print(next(p["state"] for p in json.load(sys.stdin)["primaries"] if p["name"]=="p1"))' \
    2>/dev/null || true
}
await_state() {  # await_state NODE STATE SECONDS
  local deadline=$((SECONDS + $3))
  until [ "$(state_of "$1")" = "$2" ]; do
    [ $SECONDS -lt $deadline ] || { echo "bench: p1 not $2 on $1 after $3 s" >&2; exit 1; }
    sleep 0.2
  done
}

runs=()
for size in "${sizes[@]}"; do
  echo "bench: $size volume: standby and one primary (initial sync included)" >&2
  rm -rf "$work/demo"
  "$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$size" --loopback-net "$net" >/dev/null
  kill -9 "$(cat "$work/demo/state/p1/understudy.pid")"
  await_state standby STANDING_IN 30
  fio --name=standin --ioengine=nbd --uri="nbd://$addr:10809/vol0" --rw=randwrite --bs=64k --iodepth=8 \
      --size="$changed" --io_size="$changed" --randrepeat=0 --norandommap \
      --output="$work/fio-failback-$size.txt" >/dev/null
  setsid "$bench_root/understudy" primary --config "$work/demo/cluster.yaml" --node p1 \
      >>"$work/demo/p1-restarted.log" 2>&1 </dev/null &
  await_state p1 FENCED 60
  started_at="$(date +%s.%N)"
  "$bench_root/understudy" failback p1 --config "$work/demo/cluster.yaml" >/dev/null
  await_state standby PROTECTED 900
  protected_at="$(date +%s.%N)"
  "$bench_root/understudy" status --config "$work/demo/cluster.yaml" --json > "$work/status-failback-$size.json"
  "$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null
  runs+=("$size $started_at $protected_at $work/status-failback-$size.json")
done

python3 - "$bench_root/bench" "$results/failback.json" "$changed" "${runs[@]}" <<'PY'
import json, re, sys
sys.path.insert(0, sys.argv.pop(1))
from timeline import seconds, instant
out, changed, runs = sys.argv[1], sys.argv[2], [r.split() for r in sys.argv[3:]]
table = {}
for size, started, protected, status_file in runs:
    p1 = next(p for p in json.load(open(status_file))["primaries"] if p["name"] == "p1")
    t = p1["lastFailover"]
    steps = {s["name"]: {"ms": round(seconds(s["duration"]) * 1000, 1), "detail": s["detail"]} for s in t["steps"]}
    first = steps.get("resync-primary", {}).get("detail", "")
    last = steps.get("stop-serving", {}).get("detail", "")
    copied = lambda d: int(m.group(1)) if (m := re.search(r"copied (\d+) bytes", d)) else None
    rule = re.search(r"(R\d+ [A-Z_]+)", first)
    table[size] = {
        "kind": t["kind"], "state": p1["state"],
        "rule": rule.group(1) if rule else None,
        "bytes_first_copy": copied(first), "bytes_final_copy": copied(last),
        "steps_ms": {k: v["ms"] for k, v in steps.items()},
        "failback_total_s": round(seconds(t["total"]), 3),
        "failback_start_to_protected_s": round(instant(p1["since"]) - instant(t["startedAt"]), 3),
        "command_to_protected_s": round(float(protected) - float(started), 3),
    }
json.dump({"changed_on_stand_in": changed, "runs": table}, open(out, "w"), indent=2)
for size, r in table.items():
    print(f"{size:>7}: {r['rule']}: copied {r['bytes_first_copy']} + {r['bytes_final_copy']} bytes; "
          f"failback {r['failback_total_s']:.3f} s, PROTECTED after "
          f"{r['failback_start_to_protected_s']:.3f} s; from the CLI (JVM starts included) {r['command_to_protected_s']:.3f} s")
    for name, ms in r["steps_ms"].items():
        print(f"{'':>9}{name:<24}{ms:>8.1f} ms")
print("written:", out)
PY
