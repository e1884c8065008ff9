#!/usr/bin/env bash
# Randomized fault campaign: a standby and two primaries (real processes, one volume each) with an acknowledged-write
# ledger on every volume (bench/ledger.py: 4 KiB stamped writes at QD1 through NBD, reconnecting by itself). Each trial
# draws a fault at random, waits until the cluster has dealt with it, checks every volume is served and that the
# ledger finds every acknowledged write, restores the cluster (restart, failback) and checks again. Prints a table of
# trials; exits 1 on any lost acknowledged write, any fenced primary found serving after a takeover (split brain
# resolved the wrong way), any takeover of a primary that was alive and answering its clients, or any volume left
# unserved.
#
# Faults drawn (VICTIM p1 or p2 at random):
#   kill_primary    SIGKILL of a primary: takeover, the restarted primary must be fenced, failback
#   stop_primary    SIGSTOP of a primary for 1 s (below the 2 s timeout: no takeover expected)
#   kill_standby    SIGKILL of the standby, restarted 2 s later
#   stop_standby    SIGSTOP of the standby for 4 s
#   standby_restart_during_resync  the standby killed for 8 s, restarted, killed again while it resyncs (the
#                   primaries' resync cap at 1 MB/s meanwhile, so that the resync lasts), restarted
#   link_cut        the victim's replication link and heartbeats dropped both ways for 6 s (the standby's service probe
#                   and the clients still reach the victim: it is alive, so no takeover is expected, only alarms)
#   one_way_stall   the same, one direction only (to or from the standby, drawn), for 6 s: no RST, no FIN
#   delay           50-200 ms added each way (jitter a fifth of it) on the victim's link and heartbeats for 8 s
#   loss            5-30 % of the victim's link and heartbeat packets dropped at random each way for 8 s
#   full_disk       the standby's state directory (replicas, bitmaps, event log; a tmpfs of CHAOS_STANDBY_DISK, 96 MiB,
#                   snapshots limited to 8 MiB per primary) filled up for 6 s, then freed: the standby must live on and
#                   alarm, the primaries keep serving. The ledger covers the lower 8 MiB of each volume, already on the
#                   replica, so each full disk also writes 1 MiB where nothing was written yet (8 slots in the upper
#                   half; once they are used up, a full disk no longer reaches the replicas)
# After a network or disk fault the trial expects no takeover, both volumes served during the fault (the ledger's
# acknowledged writes go on), and the cluster back to PROTECTED/IN_SYNC once the fault is lifted.
#
# A full disk the standby's replicas must write on (it fails a link write: "No space left on device" in its log) must
# raise STORAGE_ERROR meanwhile, or the trial fails (NO_ALARM); after it, `understudy verify` must find the replicas
# identical to the primaries (else REPLICA_DIFFERS).
#
# How (root only): the whole cluster, its clients and every fault run in a network namespace of its own
# (understudy-chaos-NET, lo up inside; 127.NET.x.y as everywhere), so no filter can touch anything outside it. This
# kernel has no netem and no tc actions (gact, police), so the faults are netfilter rules (iptables-legacy): each primary
# runs in a net_cls cgroup of its own whose class id marks the connections it opens to the standby (CONNMARK), and a
# fault drops by mark and conntrack direction (TCP) or by address (UDP heartbeats); loss is the statistic match; delay
# is NFQUEUE to bench/netdelay.py, which holds each packet and lets it go (bench/netns-lib.sh). Everything is removed
# on exit: namespace, cgroups, the net_cls mount if the script made it, the tmpfs. The table also goes to
# bench/results/chaos.txt.
#
# Usage: bench/chaos.sh [TRIALS] [SEED]   (default 50, random)
#   BENCH_NET=N moves the cluster to 127.N.x.y (default 63); CHAOS_FAULTS="link_cut loss" draws from those only;
#   CHAOS_STANDBY_DISK=96m sizes the standby's tmpfs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fleet-lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"
trials="${1:-50}"; seed="${2:-$RANDOM}"
ns=understudy-chaos-$net
hb_port=7701   # the heartbeat port of the cluster fleet --prepare writes (the default)

# ---- outside: the namespace, the cgroups, then this script again inside the namespace
if [ -z "${CHAOS_NS:-}" ]; then
  need python3 nbdinfo qemu-io
  [ -n "${UNDERSTUDY_DIST:-}" ] || "$bench_root/understudy" --version >/dev/null
  trap 'cleanup; netns_teardown' EXIT
  netns_setup "$ns"
  netns_class p1 $(( (net << 16) | 1 )); netns_class p2 $(( (net << 16) | 2 )); netns_class standby $(( (net << 16) | 3 ))
  rc=0
  ip netns exec "$ns" env CHAOS_NS="$ns" CHAOS_CGROUP="$netns_cg" bash "${BASH_SOURCE[0]}" "$trials" "$seed" || rc=$?
  exit $rc
fi

# ---- inside the namespace
cg="$CHAOS_CGROUP"
RANDOM=$seed
echo "bench: chaos: $trials trials, seed $seed, namespace $ns; machine load: $(uptime)" >&2
dir="$work/chaos"
if mountpoint -q "$dir/state/standby" 2>/dev/null; then umount "$dir/state/standby"; fi
rm -rf "$dir"
"$launcher" fleet --prepare --dir "$dir" --primaries 2 --volumes 1 --volume-size 16MiB --loopback-net "$net" >/dev/null
cfg="$dir/cluster.yaml"
# the standby's disk is small on purpose (full_disk): each resync keeps a pre-resync snapshot for an hour, so without
# a limit the snapshots of a campaign alone would fill it (see README, Snapshots: Space)
printf 'snapshots:\n  spaceLimit: 8MiB\n' >>"$cfg"
sdir="$dir/state/standby"
mkdir -p "$sdir"
mount -t tmpfs -o "size=${CHAOS_STANDBY_DISK:-96m}" understudy-chaos "$sdir"
declare -A node_pid
blocks=2048   # the ledger writes the lower 8 MiB of each volume; full_disk uses the upper 8 MiB
fresh_slot=0
declare -A fresh_acked
ipt() { iptables-legacy -w "$@"; }

inner_cleanup() {
  cleanup
  pkill_netdelay
  local i
  cp -r "$sdir/logs" "$dir/standby-logs" 2>/dev/null || true   # the tmpfs goes: keep the standby's log
  for i in $(seq 1 50); do umount "$sdir" 2>/dev/null && break; sleep 0.1; done
}
trap inner_cleanup EXIT

# every connection a primary opens to the standby carries its number as a conntrack mark
ipt -t mangle -A OUTPUT -m cgroup --cgroup $(( (net << 16) | 1 )) -d "$standby_addr" -j CONNMARK --set-mark 1
ipt -t mangle -A OUTPUT -m cgroup --cgroup $(( (net << 16) | 2 )) -d "$standby_addr" -j CONNMARK --set-mark 2
ipt -N CHAOS
ipt -A INPUT -j CHAOS

start_node() {  # start_node NAME: in its own net_cls cgroup
  local role=primary; [ "$1" = standby ] && role=standby
  CHAOS_CG_PROCS="$cg/$1/cgroup.procs" bash -c 'echo $$ > "$CHAOS_CG_PROCS"; exec "$@"' _ \
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
any_syncing() {  # a primary's own view (its admin API is up while a restarted standby's faces still start)
  local p
  for p in p1 p2; do
    "$launcher" status --config "$cfg" --node "$p" --json 2>/dev/null | grep -q '"SYNCING"' && return 0
  done
  return 1
}
primary_fenced() {  # the restarted primary's own view: FENCED, not serving
  "$launcher" status --config "$cfg" --node "$1" --json 2>/dev/null | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin)["primaries"][0]["state"] == "FENCED" else 1)' 2>/dev/null
}
failovers_of() {  # the standby's count of takeovers of a primary ("?" when the standby does not answer)
  standby_json | python3 -c '
import json, sys
print(next(p["failovers"] for p in json.load(sys.stdin)["primaries"] if p["name"] == sys.argv[1]))' "$1" 2>/dev/null \
    || echo "?"
}
alarms_now() {  # the standby's raised alarm kinds, "KIND:resource" sorted
  standby_json | python3 -c '
import json, sys
print(" ".join(sorted({a["kind"] + ":" + a["resource"] for a in json.load(sys.stdin)["alarms"]})))' 2>/dev/null || true
}
acked() { awk '{print $1}' "$dir/ledger-$1/stats" 2>/dev/null || echo 0; }

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

# ---- network faults: iptables rules in the CHAOS chain (INPUT: the sender sees no error, the packet just vanishes)
path_matches() {  # path_matches to|from VICTIM: one line of match arguments per kind of packet on that direction
  local a; a="$(addr_of "$2")"
  if [ "$1" = to ]; then
    echo "-p tcp -m connmark --mark ${2#p} -m conntrack --ctdir ORIGINAL"
    echo "-p udp -s $a -d $standby_addr --dport $hb_port"
  else
    echo "-p tcp -m connmark --mark ${2#p} -m conntrack --ctdir REPLY"
    echo "-p udp -s $standby_addr -d $a --dport $hb_port"
  fi
}
fault_rules() {  # fault_rules "to from" VICTIM TARGET-ARGS...
  local dirs="$1" victim="$2" d m; shift 2
  for d in $dirs; do
    while read -r m; do ipt -A CHAOS $m "$@"; done < <(path_matches "$d" "$victim")
  done
}
netdelay_pid=""
pkill_netdelay() {
  if [ -n "$netdelay_pid" ]; then kill "$netdelay_pid" 2>/dev/null || true; wait "$netdelay_pid" 2>/dev/null || true; fi
  netdelay_pid=""
}
lift_faults() { ipt -F CHAOS; pkill_netdelay; }
dropped() { ipt -L CHAOS -v -n -x | awk 'NR > 2 {n += $1} END {print n + 0}'; }

# hold_fault SECONDS VICTIM: while a network or disk fault lasts, the volumes must stay served (their ledgers'
# acknowledged writes go on); sets detail with what the standby alarmed meanwhile
hold_fault() {
  local secs=$1 victim=$2 a0 b0 seen="" t_end now al p
  a0=$(acked p1); b0=$(acked p2)
  t_end=$(( $(date +%s) + secs ))
  while now=$(date +%s); [ "$now" -lt "$t_end" ]; do
    al="$(alarms_now)"; for p in $al; do [[ " $seen " == *" $p "* ]] || seen+=" $p"; done
    sleep 0.5
  done
  detail+="acked writes during the fault p1 +$(( $(acked p1) - a0 )) p2 +$(( $(acked p2) - b0 )); "
  detail+="alarms:${seen:- none}; "
  for p in p1 p2; do served "$p" || { outcome=UNSERVED; detail+="$p not served during the fault; "; }; done
}

# after_fault VICTIM FAILOVERS_BEFORE: no takeover of a live primary, back in sync once the fault is lifted
after_fault() {
  local f; f=$(failovers_of "$1")
  if [ "$f" != "$2" ]; then
    outcome=FALSE_TAKEOVER; detail+="$1 taken over while alive (failovers $2 -> $f); "
    restore_primary "$1"
  fi
  local t0; t0=$(date +%s)
  if until_true 180 all_protected; then detail+="in sync $(( $(date +%s) - t0 )) s after the fault; "
  else outcome=UNSERVED; detail+="not in sync 180 s after the fault; "; fi
}

restore_primary() {  # a primary taken over: restart it (it must come up fenced), fail it back
  local victim=$1
  kill -0 "${node_pid[$victim]}" 2>/dev/null && return 0
  start_node "$victim"
  if ! until_true 60 primary_fenced "$victim"; then outcome=SPLIT_BRAIN; detail+="restarted $victim not fenced; "; fi
  "$launcher" failback --config "$cfg" "$victim" >>"$dir/failback.out" 2>&1 || detail+="failback refused; "
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
echo "bench: standby state directory (tmpfs ${CHAOS_STANDBY_DISK:-96m}): $(du -sh "$sdir" | cut -f1) used" >&2

faults=(${CHAOS_FAULTS:-kill_primary stop_primary kill_standby stop_standby standby_restart_during_resync
        link_cut one_way_stall delay loss full_disk})
table=(); failed=0
declare -A drawn
for i in $(seq 1 "$trials"); do
  fault=${faults[$((RANDOM % ${#faults[@]}))]}
  victim=p$((RANDOM % 2 + 1))
  drawn[$fault]=$(( ${drawn[$fault]:-0} + 1 ))
  t0=$(date +%s%N); outcome=ok; detail=""
  case "$fault" in
    kill_primary)
      kill -9 "${node_pid[$victim]}"
      if ! until_true 30 served "$victim"; then outcome=UNSERVED; detail="standby did not serve $victim"; fi
      detail+="taken over in $(( ($(date +%s%N) - t0) / 1000000 )) ms; "
      if [ "$outcome" = ok ]; then
        l=$(ledger_check); [ "$l" = ok ] || { outcome=LOST; detail+="$l"; }
        restore_primary "$victim"
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
      # a resync of a few MiB ends before a status poll sees it: the primaries' resync cap makes it last seconds
      "$launcher" throttle --config "$cfg" --resync 1MB/s >>"$dir/throttle.out" 2>&1 || detail+="resync cap refused; "
      kill -9 "${node_pid[standby]}"; sleep 8   # the writes meanwhile leave dirty regions to resync
      start_node standby
      if until_true 20 any_syncing; then detail+="killed during resync; "; else detail+="resync too quick to catch; "; fi
      kill -9 "${node_pid[standby]}"; sleep 1
      start_node standby
      "$launcher" throttle --config "$cfg" --resync off >>"$dir/throttle.out" 2>&1 || detail+="resync cap not lifted; "
      until_true 180 all_protected || { outcome=UNSERVED; detail+="not in sync after the second restart; "; }
      ;;
    link_cut|one_way_stall|delay|loss)
      f0=$(failovers_of "$victim")
      case "$fault" in
        link_cut) fault_rules "to from" "$victim" -j DROP; hold=6 ;;
        one_way_stall)
          way=$([ $((RANDOM % 2)) = 0 ] && echo to || echo from)
          detail+="$way the standby; "; fault_rules "$way" "$victim" -j DROP; hold=6 ;;
        delay)
          ms=$((50 + RANDOM % 151)); detail+="+$ms ms each way; "
          python3 "$bench_root/bench/netdelay.py" "$net" "$ms" $((ms / 5)) 2>>"$dir/netdelay.err" &
          netdelay_pid=$!
          fault_rules "to from" "$victim" -j NFQUEUE --queue-num "$net" --queue-bypass; hold=8 ;;
        loss)
          pct=$((5 + RANDOM % 26)); detail+="$pct % lost each way; "
          fault_rules "to from" "$victim" -m statistic --mode random --probability "0.$(printf %02d $pct)" -j DROP
          hold=8 ;;
      esac
      hold_fault "$hold" "$victim"
      detail+="$(dropped) packets hit; "
      lift_faults
      after_fault "$victim" "$f0"
      ;;
    full_disk)
      victim=standby
      f1=$(failovers_of p1); f2=$(failovers_of p2)
      nospace0=$(grep -c "closing link: .*No space left on device" "$sdir/logs/understudy.log" || true)
      raised0=$(grep -c "alarm raised #[0-9]* [A-Z]* STORAGE_ERROR" "$sdir/logs/understudy.log" || true)
      dd if=/dev/zero of="$sdir/fill" bs=1M 2>/dev/null || true   # until ENOSPC
      detail+="filled with $(( $(stat -c %s "$sdir/fill") >> 20 )) MiB; "
      # the ledger's blocks are on the replica already: overwriting them takes no space, so each full disk also
      # writes 1 MiB where no one wrote before (a slot of the volume's upper half), which the replica must allocate
      fresh=""
      if [ "$fresh_slot" -lt 8 ]; then
        fresh=$(( (8 + fresh_slot) << 20 )); pattern=$(( 0x50 + fresh_slot )); fresh_slot=$((fresh_slot + 1))
        for p in p1 p2; do
          if qemu-io -f raw -t none -c "write -P $pattern $fresh 1M" -c flush "nbd://$(addr_of $p):10809/vol0" \
              >"$dir/fresh-$p.out" 2>&1; then fresh_acked[$p]=1; else fresh_acked[$p]=0; fi
          detail+="fresh 1 MiB on $p $([ "${fresh_acked[$p]}" = 1 ] && echo acked || echo refused); "
        done
      fi
      hold_fault 6 standby
      nospace=$(( $(grep -c "closing link: .*No space left on device" "$sdir/logs/understudy.log" || true) - nospace0 ))
      # raised and cleared between two status polls when freed snapshot room lets the resync finish at once: the
      # standby's log has every raise
      raised=$(( $(grep -c "alarm raised #[0-9]* [A-Z]* STORAGE_ERROR" "$sdir/logs/understudy.log" || true) - raised0 ))
      detail+="replica writes refused: $nospace; STORAGE_ERROR raised: $raised; "
      if [ "$nospace" -gt 0 ] && [ "$raised" -eq 0 ]; then
        outcome=NO_ALARM; detail+="no STORAGE_ERROR while replica writes failed; "
      fi
      rm -f "$sdir/fill"
      kill -0 "${node_pid[standby]}" 2>/dev/null || { outcome=CRASHED; detail+="the standby died; "; start_node standby; }
      after_fault p1 "$f1"; [ "$outcome" = ok ] && after_fault p2 "$f2"
      for p in p1 p2; do
        if [ -n "$fresh" ] && [ "${fresh_acked[$p]}" = 1 ] && ! qemu-io -f raw -t none -c "read -P $pattern $fresh 1M" \
            "nbd://$(addr_of $p):10809/vol0" >>"$dir/fresh-$p.out" 2>&1; then
          outcome=LOST; detail+="$p: the acknowledged fresh 1 MiB reads back wrong; "
        fi
        # the replica, not only the primary, must hold what was acknowledged: compare them online
        [ "$outcome" = ok ] || continue   # not back in sync: nothing to compare
        m=$("$launcher" verify --config "$cfg" "$p" vol0 2>&1 | sed -n 's/^ *mismatches: *//p' | tail -n 1 || true)
        detail+="verify $p: ${m:-failed,} mismatches; "
        [ "${m:-x}" = 0 ] || outcome=REPLICA_DIFFERS
      done
      ;;
  esac
  for p in p1 p2; do served "$p" || { outcome=UNSERVED; detail+="$p not served; "; }; done
  if [ "$outcome" = ok ]; then
    l=$(ledger_check); [ "$l" = ok ] || { outcome=LOST; detail+="$l"; }
  fi
  secs=$(python3 -c "print(f'{($(date +%s%N) - $t0) / 1e9:.1f}')")
  row=$(printf "%3d  %-30s %-8s %-14s %6s s  %s" "$i" "$fault" "$victim" "$outcome" "$secs" "$detail")
  echo "$row" >&2; table+=("$row")
  if [ "$outcome" != ok ]; then failed=1; break; fi
done
for p in p1 p2; do touch "$dir/ledger-$p/stop"; done
sleep 1
{
  echo "bench/chaos.sh $trials $seed (BENCH_NET=$net), $(date -u +%FT%TZ), $(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null)"
  printf "%3s  %-30s %-8s %-14s %8s  %s\n" "#" fault victim outcome time detail
  printf "%s\n" "${table[@]}"
  for f in "${!drawn[@]}"; do echo "$f ${drawn[$f]}"; done | sort | tr '\n' ' ' | sed 's/^/faults drawn: /'; echo
  for p in p1 p2; do echo "ledger $p (acked writes, errors, reconnects): $(cat "$dir/ledger-$p/stats" 2>/dev/null)"; done
  echo "seed $seed; BENCH_NET=$net; machine load: $(uptime)"
} | tee "$results/chaos.txt"
for n in p1 p2 standby; do kill "${node_pid[$n]}" 2>/dev/null || true; done
exit $failed
