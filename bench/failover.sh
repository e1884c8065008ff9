#!/usr/bin/env bash
# Failover benchmark, both detection paths and the no-false-takeover profile. Writes bench/results/failover.json.
#  1. kill under load: a demo primary under fio load is SIGKILLed; detection (kill -> decision), each takeover step
#     (from the standby's failover timeline) and kill -> the export answers again at the primary's address (nbdinfo),
#     for a small and a large volume: the takeover must not depend on the volume size.
#  2. process-dead: an idle primary process SIGKILLed on its live host, 10 times (a fresh demo each): the median of
#     kill -> the export answers at the same address (target <= 0.5 s), and the path the timeline names.
#  3. host-silent: the primary SIGSTOPped (a frozen host: no close, no refusal, a probe that times out): stop -> the
#     standby's decision and stop -> the export answers at the same address (target <= 2.5 s). The frozen process's
#     kernel keeps accepting on its listening socket, so the demo's fence (fence-node.sh, the demo's power switch:
#     SIGKILL by the node's pid file) powers it off before await-release; the timeline has each step and the fence's
#     own words.
#  3b. host-silent in a network namespace (netsilent; root only): the demo runs in a namespace of its own
#     (bench/netns-lib.sh) with the primary's process in a net_cls cgroup; iptables drops everything that process sends
#     and everything sent to it (its replication link, both heartbeat paths, its answers to the standby's probe): a
#     host cut off the network but alive, still holding its address, so the standby's probe times out. Same figures
#     as 3 (target <= 2.5 s), from the moment the drop rules go in; the fence powers the process off, then the standby
#     binds the address.
#  4. no-false-takeover profile (the bench runs it, CI does not): with a live primary, 100 replication-link resets
#     (ss -K: the kernel aborts the primary's link sockets, the standby reads a reset), 20 flapping paths (5 resets
#     150 ms apart each), 20 standby pauses of 1.5 s (SIGSTOP/SIGCONT): zero takeovers expected.
# Usage: bench/failover.sh [SIZE...]   (default 64MiB 4GiB for case 1)
#   BENCH_CASES="load dead silent netsilent profile" (the default; netsilent only as root) picks cases; BENCH_NET=78
#   the demo's loopback net.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"
trap 'cleanup; netns_teardown' EXIT
need fio nbdinfo python3 ss
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64MiB 4GiB)
net=${BENCH_NET:-78}   # a loopback net of its own (127.78.x.y), so other demos and test runs do not collide
default_cases="load dead silent netsilent profile"
[ "$(id -u)" -eq 0 ] || default_cases="load dead silent profile"
cases=" ${BENCH_CASES:-$default_cases} "
has() { [[ "$cases" == *" $1 "* ]]; }
addr=127.$net.1.1
standby=127.$net.2.1
U="$bench_root/understudy"
"$U" --version >/dev/null   # builds the distribution when needed

in_ns=()   # the command prefix that runs a demo command where the demo runs (the netsilent case: its namespace)
demo_start() {  # demo_start SIZE
  rm -rf "$work/demo"
  "${in_ns[@]}" "$U" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$1" --loopback-net "$net" >/dev/null
}
demo_stop() { "${in_ns[@]}" "$U" demo --dir "$work/demo" --stop >/dev/null; }
status_json() { "${in_ns[@]}" "$U" status --config "$work/demo/cluster.yaml" --json > "$1"; }
node_pid() { cat "$work/demo/state/$1/understudy.pid"; }
# demo_ready: waits (at most 60 s) until every node of the demo logged "ready" (its faces started: the standby's web
# console makes its key pair at its first start, seconds of CPU that a takeover measured then would share), then 1 s
demo_ready() {
  local node i
  for node in standby p1; do
    for i in $(seq 1 600); do
      grep -q " ready (pid" "$work/demo/state/$node/logs/understudy.log" 2>/dev/null && break
      sleep 0.1
    done
  done
  sleep 1
}
# signal_until_serving SIG PID [LIMIT]: the poller sends SIG to PID itself, then polls until vol0 answers at the
# primary's address (an NBD_OPT_LIST that offers it, in one process: a loop of nbdinfo starts would add up to a whole
# client start-up to the figure); prints "SENT ANSWERED" (epoch seconds), then checks the export with nbdinfo, a real
# client. The poller signals so that its own start never counts in the figure.
signal_until_serving() {
  local at
  at="$(python3 "$bench_root/bench/nbd_answers.py" "$addr" 10809 vol0 "${3:-60}" --signal "$1" "$2")" || return 1
  nbdinfo --size "nbd://$addr:10809/vol0" >/dev/null
  echo "$at"
}

# silent_end STATUS FENCE_LOG: waits until the standby's sequence for p1 ended (at most 30 s), keeps its status and
# the demo fence's log
silent_end() {
  local i
  for i in $(seq 1 300); do
    status_json "$1"
    python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['primaries'][0]; t=p.get('lastFailover'); sys.exit(0 if t and p['state'] != 'FAILING_OVER' else 1)" \
        "$1" && break
    sleep 0.1
  done
  cp "$work/demo/logs/fence.log" "$2" 2>/dev/null || : > "$2"
}

# ---- 1. kill under load, per size
runs=()
has load || sizes=()
for size in "${sizes[@]}"; do
  echo "bench: kill under load, $size volume: starting a standby and one primary (initial sync included)" >&2
  demo_start "$size"
  demo_ready
  # fio cannot reconnect (libnbd tools do not): it only provides the load the primary dies under
  fio --name=load --ioengine=nbd --uri="nbd://$addr:10809/vol0" --rw=randwrite --bs=4k --iodepth=16 \
      --size="$( [ "$size" = 64MiB ] && echo 60M || echo 1G )" --time_based --runtime=30 --randrepeat=0 \
      --output="$work/fio-failover-$size.txt" >/dev/null 2>&1 & pids+=($!)
  sleep 3
  read -r killed_at serving_at < <(signal_until_serving KILL "$(node_pid p1)")
  kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true
  status_json "$work/status-failover-$size.json"
  demo_stop
  runs+=("$size $killed_at $serving_at $work/status-failover-$size.json")
done

# ---- 2. process-dead, 10 times
dead=()
for i in $(has dead && seq 1 10); do
  echo "bench: process-dead run $i of 10" >&2
  demo_start 16MiB
  demo_ready
  read -r killed_at serving_at < <(signal_until_serving KILL "$(node_pid p1)")
  status_json "$work/status-dead-$i.json"
  demo_stop
  dead+=("$killed_at $serving_at $work/status-dead-$i.json")
done

# ---- 3. host-silent: the primary frozen, powered off by the demo's fence
stopped_at=0 silent_serving_at=0
if has silent; then
echo "bench: host-silent: SIGSTOP of the primary" >&2
demo_start 16MiB
demo_ready
p1_pid="$(node_pid p1)"
read -r stopped_at silent_serving_at < <(signal_until_serving STOP "$p1_pid" 30) \
  || { silent_serving_at=0; stopped_at="$(date +%s.%N)"; }   # not served within 30 s: the target is missed
silent_end "$work/status-silent.json" "$work/fence-silent.log"
kill -9 "$p1_pid" 2>/dev/null || true   # a stopped process ignores SIGTERM (gone already when the fence ran)
demo_stop
fi

# ---- 3b. host-silent in a network namespace: the primary alive, every packet to or from its process dropped
netstopped_at=0 netsilent_serving_at=0
if has netsilent; then
echo "bench: host-silent in a network namespace: every packet of the primary's process dropped" >&2
netns_setup "understudy-failover-$net"
netns_class p1 $(( (net << 16) | 1 ))
in_ns=(ip netns exec "$netns_ns")
demo_start 16MiB
demo_ready
p1_pid="$(node_pid p1)"
netns_join p1 "$p1_pid"
# the marks first: every connection the primary's process sends on (its links, its answers to the probe) carries
# mark 1 in both directions
"${in_ns[@]}" iptables-legacy -w -t mangle -A OUTPUT -m cgroup --cgroup $(( (net << 16) | 1 )) -j CONNMARK --set-mark 1
until_packet=$(date +%s)
until "${in_ns[@]}" grep -q " mark=1 " /proc/net/nf_conntrack 2>/dev/null \
    || [ $(( $(date +%s) - until_packet )) -gt 5 ]; do sleep 0.05; done   # a heartbeat or keepalive marked its link
drops="*filter
-A INPUT -m connmark --mark 1 -j DROP
-A INPUT -p udp -d $addr --dport 7701 -j DROP
-A OUTPUT -m cgroup --cgroup $(( (net << 16) | 1 )) -j DROP
COMMIT"
netstopped_at="$(date +%s.%N)"   # the rules land together, in one command started now
"${in_ns[@]}" iptables-legacy-restore -w --noflush <<<"$drops"
# polled from the moment the rules are in (the export cannot answer at the address before the fence, seconds away)
netsilent_serving_at="$("${in_ns[@]}" python3 "$bench_root/bench/nbd_answers.py" "$addr" 10809 vol0 30)" \
  && "${in_ns[@]}" nbdinfo --size "nbd://$addr:10809/vol0" >/dev/null || netsilent_serving_at=0
silent_end "$work/status-netsilent.json" "$work/fence-netsilent.log"
demo_stop
netns_teardown
in_ns=()
fi

# ---- 4. no-false-takeover profile: a live primary through resets, flaps and standby pauses
if has profile; then
echo "bench: no-false-takeover profile: 100 link resets, 20 flapping paths, 20 standby pauses of 1.5 s" >&2
demo_start 16MiB
sb_pid="$(node_pid standby)"
reset_link() { ss -K -t dst "$standby" dport = :7700 >/dev/null 2>&1 || true; }
links_up() {  # waits (at most 10 s) until the standby shows both of p1's links up again
  local i
  for i in $(seq 1 100); do
    "$U" status --config "$work/demo/cluster.yaml" --json 2>/dev/null | python3 -c \
      "import json,sys; s=json.load(sys.stdin); sys.exit(0 if sum(l['state']=='UP' for l in s['links'])>=2 else 1)" && return 0
    sleep 0.1
  done
}
for i in $(seq 1 100); do reset_link; sleep 0.2; links_up; done
for i in $(seq 1 20); do
  for j in 1 2 3 4 5; do reset_link; sleep 0.15; done
  links_up
done
for i in $(seq 1 20); do kill -STOP "$sb_pid"; sleep 1.5; kill -CONT "$sb_pid"; sleep 1; done
sleep 3
status_json "$work/status-profile.json"
grep -c "closed by the peer" "$work/demo/state/standby/logs/understudy.log" > "$work/profile-closes.txt" || true
demo_stop
fi

python3 - "$bench_root/bench" "$results/failover.json" "$work" "${#runs[@]}" "${runs[@]}" "${dead[@]}" \
    "$stopped_at" "$silent_serving_at" "$netstopped_at" "$netsilent_serving_at" "$cases" <<'PY'
import json, statistics, sys
sys.path.insert(0, sys.argv.pop(1))
from timeline import seconds, instant
out, work, n_runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
args, cases = sys.argv[4:-1], sys.argv[-1].split()
runs, dead = [r.split() for r in args[:n_runs]], [r.split() for r in args[n_runs:-4]]
stopped_at, silent_serving_at = float(args[-4]), float(args[-3])
netstopped_at, netsilent_serving_at = float(args[-2]), float(args[-1])

def p1(status_file):
    return next(p for p in json.load(open(status_file))["primaries"] if p["name"] == "p1")

def detection(t):
    d = t.get("detection") or {}
    return {"path": d.get("path"), "took_ms": round(seconds(d["took"]) * 1000, 1) if d else None,
            "facts": [f'{f["name"]} +{seconds(f["after"]) * 1000:.0f} ms: {f["detail"]}' for f in d.get("facts", [])]}

table = {}
for size, killed, serving, status_file in runs:
    p = p1(status_file)
    t = p["lastFailover"]
    table[size] = {
        "state": p["state"],
        "detection_s": round(instant(t["startedAt"]) - float(killed), 3),
        "detection": detection(t),
        "steps_ms": {s["name"]: round(seconds(s["duration"]) * 1000, 1) for s in t["steps"]},
        "steps_after_decision_ms": round(seconds(t["total"]) * 1000, 1),
        "kill_to_serving_s": round(float(serving) - float(killed), 3),
    }
dead_runs = []
for killed, serving, status_file in dead:
    t = p1(status_file)["lastFailover"]
    dead_runs.append({"kill_to_serving_s": round(float(serving) - float(killed), 3),
                      "detection_s": round(instant(t["startedAt"]) - float(killed), 3),
                      "steps_after_decision_ms": round(seconds(t["total"]) * 1000, 1),
                      "path": (t.get("detection") or {}).get("path")})
dead_median = statistics.median(r["kill_to_serving_s"] for r in dead_runs) if dead_runs else None
def silent_case(name, stopped, serving):
    s = p1(f"{work}/status-{name}.json")
    t = s.get("lastFailover") or {}
    return {"state": s["state"],
            "stop_to_decision_s": round(instant(t["startedAt"]) - stopped, 3) if t else None,
            "stop_to_serving_s": round(serving - stopped, 3) if serving else None,
            "detection": detection(t) if t else None, "completed": t.get("completed"),
            "steps_ms": {x["name"]: round(seconds(x["duration"]) * 1000, 1) for x in t.get("steps", [])},
            "steps": {x["name"]: x["outcome"] + ": " + x["detail"] for x in t.get("steps", [])},
            "fence_log": open(f"{work}/fence-{name}.log").read().splitlines()}

silent = silent_case("silent", stopped_at, silent_serving_at) if "silent" in cases else None
netsilent = silent_case("netsilent", netstopped_at, netsilent_serving_at) if "netsilent" in cases else None
profile = None
if "profile" in cases:
    prof = p1(f"{work}/status-profile.json")
    profile = {"takeovers": prof["failovers"], "state": prof["state"],
               "link_closes_seen_by_the_standby": int(open(f"{work}/profile-closes.txt").read().strip() or 0)}
targets = {}
if table:
    targets["kill under load to serving <= 2.5 s (every size)"] = all(r["kill_to_serving_s"] <= 2.5
                                                                      for r in table.values())
    targets["steps after the decision <= 500 ms (every size)"] = all(r["steps_after_decision_ms"] <= 500
                                                                     for r in table.values())
if dead_runs:
    targets["process-dead: kill to serving <= 0.5 s (median of 10)"] = dead_median <= 0.5
    targets["process-dead: every run on the fast path"] = all(r["path"] == "process-dead" for r in dead_runs)
for label, c in (("host-silent", silent), ("host-silent (netns, packets dropped)", netsilent)):
    if c:
        targets[f"{label}: on the slow path, fenced, served at the same address <= 2.5 s after the stop"] = (
            c["detection"] is not None and c["detection"]["path"] == "host-silent"
            and c["stop_to_serving_s"] is not None and c["stop_to_serving_s"] <= 2.5)
if profile:
    targets["no-false-takeover profile: zero takeovers"] = profile["takeovers"] == 0
json.dump({"runs": table, "process_dead": {"median_kill_to_serving_s": dead_median, "runs": dead_runs},
           "host_silent": silent, "host_silent_netns": netsilent, "no_false_takeover": profile, "targets": targets,
           "settings": "defaults: heartbeat interval 250 ms, path timeout 2 s, process-dead grace 375 ms, "
                       "NBD probe timeout 500 ms"},
          open(out, "w"), indent=2)
for size, r in table.items():
    print(f"{size:>7}: detection {r['detection_s']:.3f} s ({r['detection']['path']}), steps "
          f"{r['steps_after_decision_ms']:.0f} ms, kill->serving {r['kill_to_serving_s']:.3f} s ({r['state']})")
    for name, ms in r["steps_ms"].items():
        print(f"{'':>9}{name:<24}{ms:>8.1f} ms")
if dead_runs:
    print("process-dead, kill->serving: median %.3f s over %d runs: %s" % (
        dead_median, len(dead_runs), " ".join(f'{r["kill_to_serving_s"]:.3f}' for r in dead_runs)))
for label, c in (("host-silent", silent), ("host-silent (netns)", netsilent)):
    if c:
        print(f"{label}: stop->decision {c['stop_to_decision_s']} s "
              f"({(c['detection'] or {}).get('path')}), stop->serving {c['stop_to_serving_s']} s, "
              f"state {c['state']}")
        for name, ms in c["steps_ms"].items():
            print(f"{'':>9}{name:<24}{ms:>8.1f} ms")
        for line in c["fence_log"]:
            print(f"{'':>9}{line}")
if profile:
    print(f"no-false-takeover profile: {profile['takeovers']} takeover(s), state {profile['state']}, "
          f"{profile['link_closes_seen_by_the_standby']} link closes seen by the standby")
for t, ok in targets.items():
    print(("MET     " if ok else "MISSED  ") + t)
print("written:", out)
PY
