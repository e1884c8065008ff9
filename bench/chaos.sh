#!/usr/bin/env bash
# Randomized fault campaign: a standby and two primaries (real processes, one volume each) with an acknowledged-write
# ledger on every volume (bench/ledger.py: 4 KiB stamped writes at QD1 through NBD, reconnecting by itself). Each trial
# draws a fault at random, waits until the cluster has dealt with it, checks every volume is served and that the
# ledger finds every acknowledged write, restores the cluster (restart, failback) and checks again. Prints a table of
# trials; exits 1 on any lost acknowledged write, any fenced primary found serving after a takeover (split brain
# resolved the wrong way), or any volume left unserved.
# Faults: SIGKILL of a primary (takeover, restart fenced, failback), SIGSTOP of a primary for 1 s, SIGKILL of the
# standby (restart), SIGSTOP of the standby for 4 s, a standby killed again during the resync after its restart.
# Not yet drawn (need network namespaces, tc netem and a tmpfs; see README): link cut, one-way stall, delay/loss,
# full disk on the standby.
# Usage: bench/chaos.sh [TRIALS] [SEED]   (default 50, random)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fleet-lib.sh"
need python3 nbdinfo
trials="${1:-50}"; seed="${2:-$RANDOM}"
RANDOM=$seed
[ -n "${UNDERSTUDY_DIST:-}" ] || "$bench_root/understudy" --version >/dev/null
echo "bench: chaos: $trials trials, seed $seed; machine load: $(uptime)" >&2
dir="$work/chaos"
rm -rf "$dir"
"$launcher" fleet --prepare --dir "$dir" --primaries 2 --volumes 1 --volume-size 8MiB --loopback-net "$net" >/dev/null
cfg="$dir/cluster.yaml"
declare -A node_pid
blocks=2048

start_node() {  # start_node NAME
  local role=primary; [ "$1" = standby ] && role=standby
  "$launcher" "$role" --config "$cfg" --node "$1" >>"$dir/$1.out" 2>&1 &
  node_pid[$1]=$!; pids+=("$!"); disown "$!"
}
addr_of() { echo "127.$net.1.${1#p}"; }
served() { nbdinfo --size "nbd://$(addr_of "$1"):10809/vol0" >/dev/null 2>&1; }
until_true() {  # until_true TIMEOUT_S CMD...: polls CMD every 0.1 s
  local limit=$1; shift; local t0; t0=$(date +%s)
  until "$@"; do
    [ $(( $(date +%s) - t0 )) -ge "$limit" ] && return 1
    sleep 0.1
  done
}
standby_json() { "$launcher" status --config "$cfg" --json 2>/dev/null; }
all_protected() {
  standby_json | python3 -c '
import json, sys
j = json.load(sys.stdin)
ok = all(p["state"] == "PROTECTED" for p in j["primaries"]) and all(v["state"] == "IN_SYNC" for v in j["volumes"])
sys.exit(0 if ok and len(j["volumes"]) == 2 else 1)' 2>/dev/null
}
any_syncing() { standby_json | grep -q '"SYNCING"'; }
primary_fenced() {  # the restarted primary's own view: FENCED, not serving
  "$launcher" status --config "$cfg" --node "$1" --json 2>/dev/null | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin)["primaries"][0]["state"] == "FENCED" else 1)' 2>/dev/null
}

ledger_check() {  # prints "ok" or what was lost, for every volume
  local p out=""
  for p in p1 p2; do touch "$dir/ledger-$p/pause"; done
  for p in p1 p2; do
    if until_true 90 test -f "$dir/ledger-$p/result"; then
      local r; r="$(cat "$dir/ledger-$p/result")"
      case "$r" in ok*) ;; *) out+="$p: $r; " ;; esac
    else
      out+="$p: ledger check did not finish (volume unserved?); "
    fi
    rm -f "$dir/ledger-$p/result"
  done
  for p in p1 p2; do rm -f "$dir/ledger-$p/pause"; done
  echo "${out:-ok}"
}

start_node standby
until_true 120 bash -c "(exec 3<>/dev/tcp/$standby_addr/7800) 2>/dev/null"
start_node p1; start_node p2
until_true 300 all_protected || { echo "bench: cluster not in sync at start (logs in $dir)" >&2; exit 1; }
for p in p1 p2; do
  mkdir -p "$dir/ledger-$p"
  python3 "$bench_root/bench/ledger.py" "$(addr_of $p)" 10809 vol0 $blocks "$dir/ledger-$p" 2>"$dir/ledger-$p/err" &
  pids+=("$!")
done
sleep 2

faults=(kill_primary kill_primary stop_primary kill_standby stop_standby standby_restart_during_resync)
table=(); failed=0
for i in $(seq 1 "$trials"); do
  fault=${faults[$((RANDOM % ${#faults[@]}))]}
  victim=p$((RANDOM % 2 + 1))
  t0=$(date +%s%N); outcome=ok; detail=""
  case "$fault" in
    kill_primary)
      kill -9 "${node_pid[$victim]}"
      if ! until_true 30 served "$victim"; then outcome=UNSERVED; detail="standby did not serve $victim"; fi
      detail+="taken over in $(( ($(date +%s%N) - t0) / 1000000 )) ms; "
      if [ "$outcome" = ok ]; then
        l=$(ledger_check); [ "$l" = ok ] || { outcome=LOST; detail+="$l"; }
        start_node "$victim"
        if ! until_true 60 primary_fenced "$victim"; then outcome=SPLIT_BRAIN; detail+="restarted $victim not fenced; "; fi
        "$launcher" failback --config "$cfg" "$victim" >>"$dir/failback.out" 2>&1 || detail+="failback refused; "
        until_true 180 all_protected || { outcome=UNSERVED; detail+="not protected after failback; "; }
      fi ;;
    stop_primary)
      kill -STOP "${node_pid[$victim]}"; sleep 1; kill -CONT "${node_pid[$victim]}"
      until_true 120 all_protected || detail+="(a takeover followed) "
      ;;
    kill_standby)
      victim=standby
      kill -9 "${node_pid[standby]}"; sleep 2
      start_node standby
      until_true 180 all_protected || { outcome=UNSERVED; detail+="not in sync after the standby's restart; "; }
      ;;
    stop_standby)
      victim=standby
      kill -STOP "${node_pid[standby]}"; sleep 4; kill -CONT "${node_pid[standby]}"
      until_true 180 all_protected || { outcome=UNSERVED; detail+="not in sync after SIGCONT; "; }
      ;;
    standby_restart_during_resync)
      victim=standby
      kill -9 "${node_pid[standby]}"; sleep 8   # the writes meanwhile leave dirty regions to resync
      start_node standby
      if until_true 20 any_syncing; then detail+="killed during resync; "; else detail+="resync too quick to catch; "; fi
      kill -9 "${node_pid[standby]}"; sleep 1
      start_node standby
      until_true 180 all_protected || { outcome=UNSERVED; detail+="not in sync after the second restart; "; }
      ;;
  esac
  for p in p1 p2; do served "$p" || { outcome=UNSERVED; detail+="$p not served; "; }; done
  if [ "$outcome" = ok ]; then
    l=$(ledger_check); [ "$l" = ok ] || { outcome=LOST; detail+="$l"; }
  fi
  secs=$(python3 -c "print(f'{($(date +%s%N) - $t0) / 1e9:.1f}')")
  row=$(printf "%3d  %-30s %-8s %-12s %6s s  %s" "$i" "$fault" "$victim" "$outcome" "$secs" "$detail")
  echo "$row" >&2; table+=("$row")
  if [ "$outcome" != ok ]; then failed=1; break; fi
done
for p in p1 p2; do touch "$dir/ledger-$p/stop"; done
sleep 1
echo
printf "%3s  %-30s %-8s %-12s %8s  %s\n" "#" fault victim outcome time detail
printf "%s\n" "${table[@]}"
for p in p1 p2; do echo "ledger $p (acked writes, errors, reconnects): $(cat "$dir/ledger-$p/stats" 2>/dev/null)"; done
echo "seed $seed; machine load: $(uptime)"
for n in p1 p2 standby; do kill "${node_pid[$n]}" 2>/dev/null || true; done
exit $failed
