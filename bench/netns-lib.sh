# Helpers of the benchmarks that drop, stall or delay one node's traffic (root only; bench/chaos.sh, the netns case of
# bench/failover.sh): a network namespace of the benchmark's own (lo up; the cluster keeps its 127.N.x.y addresses
# inside it, so no filter touches anything outside), and net_cls cgroups whose class ids let iptables tell one node's
# packets from another's on the loopback they share (`-m cgroup --cgroup ID`; CONNMARK carries the mark to the
# connection's other direction). This kernel has no netem and no tc actions: faults are iptables rules
# (iptables-legacy) in the namespace. Sourced after lib.sh, not run; netns_teardown undoes everything (call it on
# exit): what still runs in the namespace (only what the benchmark started there), the namespace, the cgroups, and the
# net_cls mount when netns_setup made it.

netns_ns=""; netns_cg=""; netns_cls=""; netns_own_cls=0

# netns_setup NAME: the namespace NAME with lo up, and a cgroup directory for its nodes ($netns_cg)
netns_setup() {
  [ "$(id -u)" -eq 0 ] || { echo "bench: network namespaces and iptables need root" >&2; exit 1; }
  need ip iptables-legacy
  netns_ns=$1
  netns_cls="$(awk '$3 == "cgroup" && $4 ~ /(^|,)net_cls(,|$)/ {print $2; exit}' /proc/mounts)"
  if [ -z "$netns_cls" ]; then
    netns_cls="$work/net_cls-$1"; mkdir -p "$netns_cls"
    mount -t cgroup -o net_cls "$1" "$netns_cls"; netns_own_cls=1
  fi
  netns_cg="$netns_cls/$1"
  mkdir -p "$netns_cg"
  ip netns add "$1"
  ip -n "$1" link set lo up
}

# netns_class NODE ID: a cgroup for NODE's processes, whose packets carry the class id ID
netns_class() {
  mkdir -p "$netns_cg/$1"
  printf '0x%08x\n' "$2" > "$netns_cg/$1/net_cls.classid"
}

# netns_join NODE PID: moves a running process into NODE's cgroup (its open sockets take the class id too)
netns_join() { echo "$2" > "$netns_cg/$1/cgroup.procs"; }

netns_teardown() {
  [ -n "$netns_ns" ] || return 0
  local p i d
  for i in $(seq 1 50); do
    p="$(ip netns pids "$netns_ns" 2>/dev/null || true)"; [ -z "$p" ] && break
    kill -9 $p 2>/dev/null || true; sleep 0.1
  done
  ip netns del "$netns_ns" 2>/dev/null || true
  for d in "$netns_cg"/*/; do [ -d "$d" ] && { rmdir "$d" 2>/dev/null || true; }; done
  rmdir "$netns_cg" 2>/dev/null || true
  if [ "$netns_own_cls" = 1 ]; then umount "$netns_cls" && rmdir "$netns_cls"; fi
  netns_ns=""
}
