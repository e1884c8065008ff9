#!/bin/bash
# Compares Understudy's NBD server with nbdkit's file plugin on the same fio jobs (TOOLS.md figures).
# Usage: nbd-vs-nbdkit.sh CLASSPATH [RUNTIME_SECONDS]   (classpath: appliance classes + test-classes + deps)
set -euo pipefail
CP=$1; RT=${2:-8}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
DIR=$(mktemp -d); SIZE=$((512 << 20))
trap 'kill $(cat $DIR/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf $DIR' EXIT
# fully written files: writes into holes or unwritten extents make every fdatasync a journal commit, which
# swamps the server under test with noise from block allocation
for f in ref us; do dd if=/dev/zero of=$DIR/$f.img bs=1M count=$((SIZE >> 20)) conv=fsync status=none; done
nbdkit -f -i 127.0.0.1 -p 10950 -P $DIR/nbdkit.pid file $DIR/ref.img &
"$JAVA" -cp "$CP" org.understudy.nbd.NbdBenchServer $DIR/us.img $SIZE 10951 > $DIR/us.log 2>&1 & echo $! > $DIR/us.pid
for i in $(seq 50); do nbdinfo --size nbd://127.0.0.1:10951/bench >/dev/null 2>&1 && nbdinfo --size nbd://127.0.0.1:10950 >/dev/null 2>&1 && break; sleep 0.2; done
job() { # name uri args...
  local name=$1 uri=$2; shift 2
  fio --name=$name --ioengine=nbd --uri=$uri --size=$SIZE --time_based --runtime=$RT --output-format=terse \
      --terse-version=3 "$@" | grep '^3;' | awk -F';' '{printf "%d %d\n", $48, $49}'  # write bw KiB/s, write IOPS
}
run() { # label args...  ABBA order with a sync before each run, so writeback of one run does not tax the next
  local label=$1; shift
  local k1 u1 u2 k2
  sync; k1=$(job $label nbd://127.0.0.1:10950 "$@"); sync; u1=$(job $label nbd://127.0.0.1:10951/bench "$@")
  sync; u2=$(job $label nbd://127.0.0.1:10951/bench "$@"); sync; k2=$(job $label nbd://127.0.0.1:10950 "$@")
  local k=$(( (${k1#* } + ${k2#* }) / 2 )) u=$(( (${u1#* } + ${u2#* }) / 2 ))
  echo "$label nbdkit_iops=$k understudy_iops=$u (runs: nbdkit ${k1#* } ${k2#* }, understudy ${u1#* } ${u2#* }) ratio=$(awk -v a=$u -v b=$k 'BEGIN{printf "%.2f", a/b}')"
}
run seq1M_qd16 --rw=write --bs=1M --iodepth=16
run rand4k_qd1 --rw=randwrite --bs=4k --iodepth=1
run rand4k_qd16 --rw=randwrite --bs=4k --iodepth=16
run rand4k_qd1_fsync --rw=randwrite --bs=4k --iodepth=1 --fsync=1
