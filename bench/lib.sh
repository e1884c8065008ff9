# Shared helpers of the benchmark scripts: JDK, distribution, fio runs and their JSON figures.
# Sourced, not run. Every process started here is stopped by pid on exit.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$bench_root/bench/work"
results="$bench_root/bench/results"
mkdir -p "$work" "$results"
pids=()

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -f "$work/demo/cluster.json" ]; then "$bench_root/understudy" demo --dir "$work/demo" --stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "bench: $t is missing (./test installs the tools)" >&2; exit 1; }
  done
}

# fio_job NAME URI RUNTIME EXTRA... -> prints "iops bw_bytes p99_us" for the job's writes
fio_job() {
  local name="$1" uri="$2" runtime="$3"; shift 3
  local out="$work/fio-$name.json"
  fio --name="$name" --ioengine=nbd --uri="$uri" --time_based --runtime="$runtime" --ramp_time=1 \
      --output-format=json --output="$out" "$@" >/dev/null
  python3 - "$out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]["write"]
p99 = j.get("clat_ns", {}).get("percentile", {}).get("99.000000", 0) / 1000.0
print(f'{j["iops"]:.1f} {j["bw_bytes"]:.0f} {p99:.1f}')
PY
}

wait_port() {  # wait_port HOST PORT
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listening on $1:$2" >&2; exit 1
}

# first_touch_iolog FILE: a fio I/O log of 4 KiB writes, one in each 64 KiB chunk of the first 1 GiB of vol0 in a random
# order (fio's own random map cannot promise one write per chunk), so that with a snapshot live every write is the
# first touch of its chunk (bench/snapshot.sh, bench/snapshot-cow.sh)
first_touch_iolog() {
  python3 - "$1" <<'PY'
import random, sys
r = random.Random(7)
chunks = list(range(16384))
r.shuffle(chunks)
with open(sys.argv[1], "w") as f:
    f.write("fio version 2 iolog\nvol0 add\nvol0 open\n")
    for c in chunks:
        f.write(f"vol0 write {c * 65536 + r.randrange(16) * 4096} 4096\n")
    f.write("vol0 close\n")
PY
}
