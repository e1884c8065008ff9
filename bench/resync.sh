#!/usr/bin/env bash
# Resync benchmark: write N MiB (1 MiB-aligned, sequential) to a primary volume while its standby is down -- that run
# is also the unmirrored sequential write figure, made durable at its end like a resync is -- then bring the standby back and measure the incremental resync:
# bytes resynced versus bytes changed, and resync throughput versus the unmirrored sequential write.
# Writes bench/results/resync.json.
# Usage: bench/resync.sh [N_MIB]   (default 512)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio python3
n_mib="${1:-512}"
size=2GiB
net=78

"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed

rm -rf "$work/demo"
"$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$size" --loopback-net "$net" >/dev/null
config="$work/demo/cluster.yaml"
uri="nbd://127.$net.1.1:10809/vol0"

status_json() {
  "$bench_root/understudy" status --config "$config" --node p1 --json
}

echo "bench: standby down, writing $n_mib MiB (1 MiB sequential writes, QD16) to p1/vol0" >&2
standby_pid="$(cat "$work/demo/state/standby/understudy.pid")"
kill -9 "$standby_pid"; while kill -0 "$standby_pid" 2>/dev/null; do sleep 0.1; done
out="$work/fio-resync-write.json"
fio --name=changed --ioengine=nbd --uri="$uri" --rw=write --bs=1M --iodepth=16 --offset=256M --size="${n_mib}M" --end_fsync=1 \
    --output-format=json --output="$out" >/dev/null
write_bw="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][0]["write"]["bw_bytes"])' "$out")"
dirty="$(status_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["volumes"][0]["dirtyBytes"])')"
echo "  unmirrored sequential write: $((write_bw / 1048576)) MiB/s; dirty after the writes: $dirty B" >&2

echo "bench: standby back, waiting for the resync" >&2
"$bench_root/understudy" standby --config "$config" --node standby >"$work/standby-restart.out" 2>&1 & pids+=($!)
for i in $(seq 1 1200); do
  state="$(status_json 2>/dev/null | python3 -c 'import json,sys; v=json.load(sys.stdin)["volumes"][0]; print(v["state"], v["resyncTotalBytes"])' 2>/dev/null || true)"
  case "$state" in IN_SYNC\ [1-9]*) break ;; esac
  sleep 0.1
done
status_json >"$work/resync-status.json"

python3 - "$results/resync.json" "$work/resync-status.json" "$n_mib" "$write_bw" "$dirty" <<'PY'
import json, sys
out, status, n_mib, write_bw, dirty = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
v = json.load(open(status))["volumes"][0]
changed = n_mib << 20
resynced = v["resyncTotalBytes"]
rate = v["resyncRate"]
r = {
    "changed_bytes": changed,
    "dirty_bytes_before_resync": dirty,
    "resynced_bytes": resynced,
    "bytes_ratio": round(resynced / changed, 4),
    "resync_MiBps": round(rate / 2**20, 1),
    "unmirrored_seq_write_MiBps": round(write_bw / 2**20, 1),
    "throughput_ratio": round(rate / write_bw, 3) if write_bw else None,
    "state_after": v["state"],
}
r["targets"] = {
    "bytes ratio <= 1.1 for 1 MiB-aligned writes": r["bytes_ratio"] <= 1.1,
    "resync throughput >= 0.8x unmirrored sequential write": (r["throughput_ratio"] or 0) >= 0.8,
}
json.dump(r, open(out, "w"), indent=2)
print(f"changed {changed} B, resynced {resynced} B (ratio {r['bytes_ratio']}); resync {r['resync_MiBps']} MiB/s vs "
      f"unmirrored sequential write {r['unmirrored_seq_write_MiBps']} MiB/s (ratio {r['throughput_ratio']})")
for k, ok in r["targets"].items():
    print(("PASS " if ok else "MISS ") + k)
PY
"$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null
