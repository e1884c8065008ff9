#!/usr/bin/env bash
# Snapshot benchmark: what copy-on-write costs the mirror, what a snapshot costs to take, how fast one reads.
#  1. fio 4 KiB random writes QD16 on a mirrored 1 GiB volume (each write at its own 64 KiB-aligned offset, so every
#     write is the first touch of a chunk): without a snapshot, with one live snapshot (every write preserves a
#     chunk first), and again with the chunks already preserved. Targets: >= 0.5x and >= 0.9x of the first. Every
#     measured job runs warm: the job without a snapshot after a warm-up job, the first-touch one after a throwaway
#     snapshot's round, whose figure (the standby's first copy-on-write since it started) is printed beside them.
#  2. Snapshot creation (a cut through the primary's write stream, both volumes) on 64 MiB and 4 GiB volumes, over
#     the admin API: median of 5; the time must not grow with the size.
#  3. Reading a snapshot export with nbdcopy against reading the replica file with nbdkit's file plugin (read-only):
#     target >= 0.8x, for a snapshot sharing its chunks with the replica (taken after the writes, as a backup reads
#     it); the snapshot every chunk of which was preserved in random order (after step 1) is shown beside it.
# Writes bench/results/snapshot.json. Usage: bench/snapshot.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need fio nbdkit nbdcopy curl python3
net="${BENCH_NET:-105}"  # BENCH_NET: another loopback net (127.N.x.y) when 105 is taken
declare -A res

"$bench_root/understudy" --version >/dev/null   # builds the distribution when needed

start_demo() {  # start_demo SIZE
  rm -rf "$work/demo"
  "$bench_root/understudy" demo --dir "$work/demo" --detach --primaries 1 --volume-size "$1" --loopback-net "$net" \
      >/dev/null
  token="$(awk '/^adminToken:/ {print $2}' "$work/demo/secrets.yaml")"
  standby="127.$net.2.1"
  primary="127.$net.1.1"
}

stop_demo() {
  "$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null
}

# api COMMAND JSON -> prints the milliseconds the call took; fails unless the command answers OK
api() {
  local t0 t1 out
  t0=$(date +%s%N)
  out="$(curl -s -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "$2" "http://$standby:7800/api/commands/$1")"
  t1=$(date +%s%N)
  case "$out" in *'"status":"OK"'*) ;; *) echo "bench: $1 failed: $out" >&2; exit 1 ;; esac
  echo $(( (t1 - t0) / 1000000 ))
}

# 4 KiB writes, one in each 64 KiB chunk of the first 1 GiB in a random order (fio replays a generated I/O log: its
# own random map cannot promise one write per chunk), so that with a snapshot live every write is a chunk's first
rand4k() {  # rand4k LABEL -> "iops bw p99_us"
  local log="$work/rand4k.iolog" out="$work/fio-$1.json"
  first_touch_iolog "$log"
  fio --name="$1" --ioengine=nbd --uri="nbd://$primary:10809/vol0" --read_iolog="$log" --iodepth=16 \
      --output-format=json --output="$out" >/dev/null
  python3 - "$out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]["write"]
p99 = j.get("clat_ns", {}).get("percentile", {}).get("99.000000", 0) / 1000.0
print(f'{j["iops"]:.1f} {j["bw_bytes"]:.0f} {p99:.1f} {j["total_ios"]}')
PY
}

echo "bench: 1 GiB volume, prefilled (primary and replica files fully allocated)" >&2
start_demo 1GiB
fio --name=prefill --ioengine=nbd --uri="nbd://$primary:10809/vol0" --rw=write --bs=1M --iodepth=8 --size=1G \
    --output=/dev/null >/dev/null
# every run starts with no dirty page left to write back (the prefill's gigabyte would slow the first one down)
sync
rand4k warmup >/dev/null
sync
# the job without a snapshot runs warm (after the warm-up above): so does the one with a snapshot. A throwaway
# snapshot's round first runs the copy-on-write code for the first time since the standby started (the JIT compiles
# it during that round, at about twice the CPU per write): reported beside the target, not as it
api snapshot-create '{"primary":"p1","snapshot":"warmup"}' >/dev/null
sync
res[cold]="$(rand4k cold)"; echo "  first copy-on-write since the standby started: ${res[cold]}" >&2
api snapshot-delete '{"primary":"p1","snapshot":"warmup"}' >/dev/null
sync
res[base]="$(rand4k base)"; echo "  no snapshot:              ${res[base]}" >&2
api snapshot-create '{"primary":"p1","snapshot":"bench"}' >/dev/null
sync
res[first]="$(rand4k first)"; echo "  snapshot live, 1st touch: ${res[first]}" >&2
sync
res[again]="$(rand4k again)"; echo "  chunks already preserved: ${res[again]}" >&2

echo "bench: reading the snapshot (nbdcopy) against the replica file (nbdkit file, read-only)" >&2
replica="$work/demo/state/standby/replicas/p1/vol0.img"
read_mibps() {  # read_mibps URI -> MiB/s of nbdcopy to null
  local t0 t1
  t0=$(date +%s%N)
  nbdcopy --request-size=1048576 "$1" null:
  t1=$(date +%s%N)
  python3 -c "print(f'{1024 / (($t1 - $t0) / 1e9):.1f}')"
}
nbdkit -f -r -i "127.$net.3.1" -p 10901 file "$replica" & pids+=($!)   # on the benchmark's own net
wait_port "127.$net.3.1" 10901
read_mibps "nbd://127.$net.3.1:10901" >/dev/null   # both read through a warm page cache
res[read_nbdkit]="$(read_mibps "nbd://127.$net.3.1:10901")"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
api snapshot-create '{"primary":"p1","snapshot":"fresh"}' >/dev/null
read_mibps "nbd://$standby:10809/p1/vol0@fresh" >/dev/null
res[read_snapshot]="$(read_mibps "nbd://$standby:10809/p1/vol0@fresh")"
read_mibps "nbd://$standby:10809/p1/vol0@bench" >/dev/null
res[read_preserved]="$(read_mibps "nbd://$standby:10809/p1/vol0@bench")"
echo "  nbdkit file: ${res[read_nbdkit]} MiB/s, snapshot export: ${res[read_snapshot]} MiB/s" \
    "(every chunk preserved in random order: ${res[read_preserved]} MiB/s)" >&2
stop_demo

for size in 64MiB 4GiB; do
  echo "bench: snapshot creation on $size volumes" >&2
  start_demo "$size"
  times=()
  for i in 1 2 3 4 5; do
    times+=("$(api snapshot-create "{\"primary\":\"p1\",\"snapshot\":\"c$i\"}")")
  done
  res[create_$size]="${times[*]}"
  held="$(grep -ho 'writes held for [0-9]* us' "$work/demo/state/p1/logs/"*.log | awk '{print $4}' | sort -n | tail -1)"
  res[held_$size]="${held:-0}"
  echo "  create (ms): ${times[*]}; the primary held writes at most ${held:-?} us" >&2
  stop_demo
done

python3 - "$results/snapshot.json" <<PY
import json, statistics, sys
out = sys.argv[1]
raw = {$(for k in "${!res[@]}"; do printf '"%s": "%s", ' "$k" "${res[$k]}"; done)}
def fio(label):
    iops, bw, p99, ios = map(float, raw[label].split())
    return {"iops": round(iops, 1), "p99_us": round(p99, 1), "writes": int(ios)}
base, first, again, cold = fio("base"), fio("first"), fio("again"), fio("cold")
create = {s: [int(x) for x in raw[f"create_{s}"].split()] for s in ("64MiB", "4GiB")}
table = {
    "rand4k_qd16_first_touch": {"no_snapshot": base, "snapshot_live": first,
                                "ratio": round(first["iops"] / base["iops"], 3)},
    "rand4k_qd16_first_touch_cold_jit": {"no_snapshot": base, "snapshot_live": cold,
                                         "ratio": round(cold["iops"] / base["iops"], 3)},
    "rand4k_qd16_preserved": {"no_snapshot": base, "snapshot_live": again,
                              "ratio": round(again["iops"] / base["iops"], 3)},
    "create_ms": {s: {"runs": v, "median": statistics.median(v)} for s, v in create.items()},
    "writes_held_us_max": {s: int(raw[f"held_{s}"]) for s in ("64MiB", "4GiB")},
    "read_MiBps": {"nbdkit_replica_file": float(raw["read_nbdkit"]), "snapshot_export": float(raw["read_snapshot"]),
                   "ratio": round(float(raw["read_snapshot"]) / float(raw["read_nbdkit"]), 3),
                   "snapshot_export_every_chunk_preserved": float(raw["read_preserved"])},
}
m64, m4g = table["create_ms"]["64MiB"]["median"], table["create_ms"]["4GiB"]["median"]
targets = {
    "first-touch writes with a snapshot >= 0.5x without": table["rand4k_qd16_first_touch"]["ratio"] >= 0.5,
    "writes over preserved chunks >= 0.9x without": table["rand4k_qd16_preserved"]["ratio"] >= 0.9,
    "creation on 4 GiB within 2x of 64 MiB (no copy)": m4g <= 2 * max(m64, 1) + 5,
    "snapshot read >= 0.8x nbdkit on the replica file": table["read_MiBps"]["ratio"] >= 0.8,
}
json.dump({"figures": table, "targets": targets}, open(out, "w"), indent=2)
print(json.dumps(table, indent=2))
for t, ok in targets.items():
    print(("MET     " if ok else "MISSED  ") + t)
print("written:", out)
PY
