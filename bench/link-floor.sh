#!/usr/bin/env bash
# The floor under the mirror's CPU per GiB (issue 15): what a sync mirror's link costs on this machine with no
# Understudy code in the way, to set beside bench/mirror.sh's CPU column. bench/java/LinkFloor.java ships 1 MiB frames
# over loopback TCP between two threads of one JVM as the primary's MirrorLink and the standby's FrameChannel do, adding
# one piece of the standby's work at a time (CRC32C on both ends, the replica's page-cache write, an ACK per frame), then
# the same with the payload sent from a file (sendfile) instead of a gathering write. Prints the median over RUNS of
# each thread's CPU seconds (user + system) per GiB, with the machine load; writes bench/results/link-floor.json.
# Usage: bench/link-floor.sh [GIB_PER_RUN] [RUNS]   (default 4 GiB, 3 runs)
# BENCH_NET=N (or BENCH_LOOPBACK_NET=N) binds the receiver on 127.N.9.1 (default 77).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need python3
gib="${1:-4}"
runs="${2:-3}"
net="${BENCH_NET:-${BENCH_LOOPBACK_NET:-77}}"
java_bin="$(UNDERSTUDY_PRINT_JAVA=1 bash "$bench_root/installer/src/bin/understudy")"
dir="$work/link-floor"
mkdir -p "$dir"
trap 'rm -rf "$dir"; cleanup' EXIT
# written zeros, not a sparse file: sendfile then sends real page-cache pages, equal to the zeroed buffer the CRC covers
dd if=/dev/zero of="$dir/payload.img" bs=1M count=1024 status=none
javac="$(dirname "$java_bin")/javac"
"$javac" -d "$dir/classes" "$bench_root/bench/java/LinkFloor.java"

configs=(
  "tcp only|writev nocrc nopwrite 0"
  "+ CRC32C both ends|writev crc nopwrite 0"
  "+ replica pwrite|writev crc pwrite 0"
  "+ ACK per frame (the mirror's added work)|writev crc pwrite 1"
  "  ACK per 4 frames instead|writev crc pwrite 4"
  "  sendfile instead of writev|sendfile crc pwrite 1"
)
echo "bench: machine load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
: >"$dir/figures.jsonl"
for c in "${configs[@]}"; do
  label="${c%%|*}"
  out=""
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    out+="$("$java_bin" -cp "$dir/classes" LinkFloor "127.$net.9.1" "$dir" "$gib" ${c#*|})"$'\n'
  done
  python3 - "$label" "$out" "$dir/figures.jsonl" <<'PY'
import json, statistics, sys
label, out, figures = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [dict(zip(l.split()[2::2], map(float, l.split()[3::2]))) | {"MiBps": float(l.split()[0])}
        for l in out.strip().splitlines()]
med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
load = open("/proc/loadavg").read().split()[0]
print(f"{label:<44} CPU s/GiB: sender {med['sender']:.3f} ack reader {med['ack_reader']:.3f}"
      f" receiver {med['receiver']:.3f} total {med['total']:.3f}  ({med['MiBps']:.0f} MiB/s, load {load})")
with open(figures, "a") as f:
    f.write(json.dumps({"case": label.strip(), "cpu_s_per_gib": med, "loadavg": load}) + "\n")
PY
done
python3 - "$dir/figures.jsonl" "$results/link-floor.json" "$gib" "$runs" <<'PY'
import json, sys
cases = [json.loads(l) for l in open(sys.argv[1])]
json.dump({"gib_per_run": int(sys.argv[3]), "runs": int(sys.argv[4]), "cases": cases}, open(sys.argv[2], "w"), indent=2)
print("written:", sys.argv[2])
PY
