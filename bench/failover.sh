#!/usr/bin/env bash
# Failover benchmark: a demo primary under fio load is SIGKILLed; measures detection (kill -> failover decision), each
# takeover step (from the standby's failover timeline) and the total from the kill until the export answers again at
# the primary's address (an NBD handshake through nbdinfo), for a small and a large volume: the takeover must not
# depend on the volume size. Writes bench/results/failover.json.
# Usage: bench/failover.sh [SIZE...]   (default 64MiB 4GiB)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio nbdinfo python3
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64MiB 4GiB)
net=78   # a loopback net of its own (127.78.x.y), so other demos and test runs on the machine do not collide
addr=127.$net.1.1
"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed

runs=()
for size in "${sizes[@]}"; do
  echo "bench: $size volume: starting a standby and one primary (initial sync included)" >&2
  rm -rf "$work/demo"
  "$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$size" --loopback-net "$net" >/dev/null
  # fio cannot reconnect (libnbd tools do not): it only provides the load the primary dies under
  fio --name=load --ioengine=nbd --uri="nbd://$addr:10809/vol0" --rw=randwrite --bs=4k --iodepth=16 \
      --size="$( [ "$size" = 64MiB ] && echo 60M || echo 1G )" --time_based --runtime=30 --randrepeat=0 \
      --output="$work/fio-failover-$size.txt" >/dev/null 2>&1 & pids+=($!)
  sleep 3
  p1_pid="$(cat "$work/demo/state/p1/understudy.pid")"
  killed_at="$(date +%s.%N)"
  kill -9 "$p1_pid"
  # the export answers at the same address once the standby serves it
  until nbdinfo --size "nbd://$addr:10809/vol0" >/dev/null 2>&1; do :; done
  serving_at="$(date +%s.%N)"
  kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true
  "$bench_root/understudy" status --config "$work/demo/cluster.yaml" --json > "$work/status-failover-$size.json"
  "$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null
  runs+=("$size $killed_at $serving_at $work/status-failover-$size.json")
done

python3 - "$bench_root/bench" "$results/failover.json" "${runs[@]}" <<'PY'
import json, sys
sys.path.insert(0, sys.argv.pop(1))
from timeline import seconds, instant
out, runs = sys.argv[1], [r.split() for r in sys.argv[2:]]
table = {}
for size, killed, serving, status_file in runs:
    status = json.load(open(status_file))
    p1 = next(p for p in status["primaries"] if p["name"] == "p1")
    t = p1["lastFailover"]
    decided = instant(t["startedAt"])
    steps = {s["name"]: round(seconds(s["duration"]) * 1000, 1) for s in t["steps"]}
    table[size] = {
        "state": p1["state"],
        "detection_s": round(decided - float(killed), 3),
        "decision_reason": t["reason"],
        "steps_ms": steps,
        "steps_after_decision_ms": round(seconds(t["total"]) * 1000, 1),
        "kill_to_serving_s": round(float(serving) - float(killed), 3),
    }
targets = {
    "kill to serving <= 2.5 s (every size)": all(r["kill_to_serving_s"] <= 2.5 for r in table.values()),
    "steps after the decision <= 500 ms (every size)": all(r["steps_after_decision_ms"] <= 500 for r in table.values()),
}
json.dump({"runs": table, "targets": targets,
           "settings": "defaults: heartbeat interval 250 ms, path timeout 2 s, NBD probe timeout 500 ms"},
          open(out, "w"), indent=2)
for size, r in table.items():
    print(f"{size:>7}: detection {r['detection_s']:.3f} s, steps {r['steps_after_decision_ms']:.0f} ms, "
          f"kill->serving {r['kill_to_serving_s']:.3f} s ({r['state']})")
    for name, ms in r["steps_ms"].items():
        print(f"{'':>9}{name:<24}{ms:>8.1f} ms")
for t, ok in targets.items():
    print(("MET     " if ok else "MISSED  ") + t)
print("written:", out)
PY
