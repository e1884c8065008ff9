#!/usr/bin/env python3
"""Acknowledged-write ledger for bench/chaos.sh: writes 4 KiB blocks to one NBD export (QD1, each block stamped with
its number and a sequence number), remembers the last acknowledged write of every block and the writes whose outcome
it never learned (the connection broke in flight), reconnects by itself (the address may be served by the standby
after a takeover), and on request checks every block read back: it must hold its last acknowledged write, or a write
sent after it whose acknowledgement was lost. A minimal NBD client (fixed newstyle, EXPORT_NAME, READ/WRITE/FLUSH).

Usage: ledger.py HOST PORT EXPORT BLOCKS CONTROL_DIR
CONTROL_DIR/pause (created by the caller) -> the writer stops, checks, writes CONTROL_DIR/result, then waits until
pause is removed; CONTROL_DIR/stop ends it. CONTROL_DIR/stats has "writes acked, errors, reconnects".
"""
import os, random, socket, struct, sys, time

host, port, export, blocks, ctl = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
BS = 4096
REQ, REP = 0x25609513, 0x67446698


def stamp(block, seq):
    head = struct.pack(">4sQQ", b"LEDG", block, seq)
    return (head * (BS // len(head) + 1))[:BS]


class Nbd:
    def __init__(self):
        s = socket.create_connection((host, port), timeout=5)
        s.settimeout(30)
        self.s = s
        hdr = self.recv(18)
        if hdr[:16] != b"NBDMAGICIHAVEOPT":
            raise IOError("not a newstyle NBD server")
        flags = struct.unpack(">H", hdr[16:])[0]
        no_zeroes = flags & 2
        s.sendall(struct.pack(">I", 1 | (2 if no_zeroes else 0)))
        name = export.encode()
        s.sendall(b"IHAVEOPT" + struct.pack(">II", 1, len(name)) + name)
        self.size, _ = struct.unpack(">QH", self.recv(10))
        if not no_zeroes:
            self.recv(124)
        self.handle = 0

    def recv(self, n):
        b = bytearray()
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                raise IOError("connection closed")
            b += c
        return bytes(b)

    def request(self, typ, offset, length, data=b""):
        self.handle += 1
        self.s.sendall(struct.pack(">IHHQQI", REQ, 0, typ, self.handle, offset, length) + data)
        magic, err, handle = struct.unpack(">IIQ", self.recv(16))
        if magic != REP or handle != self.handle:
            raise IOError("bad reply")
        if err:
            raise IOError(f"NBD error {err}")
        return self.recv(length) if typ == 0 else b""

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


acked = {}       # block -> last acknowledged seq
maybe = {}       # block -> seqs sent after it whose outcome is unknown
writes = errors = reconnects = 0
seq = 0
conn = None
rnd = random.Random(os.getpid())


def connect():
    global conn, reconnects
    while not os.path.exists(os.path.join(ctl, "stop")):
        try:
            conn = Nbd()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def check():
    """Reads every block; returns (ok, message)."""
    lost = []
    for b in range(blocks):
        data = conn.request(0, b * BS, BS)
        allowed = set(maybe.get(b, ()))
        if b in acked:
            allowed.add(acked[b])
        if data[:4] != b"LEDG":
            if b in acked:
                lost.append(f"block {b}: acked seq {acked[b]} missing (block not written)")
            continue
        got = struct.unpack(">QQ", data[4:20])
        if got[0] != b or data != stamp(b, got[1]):
            lost.append(f"block {b}: torn or foreign content (stamp {got})")
        elif b in acked and got[1] not in allowed:
            lost.append(f"block {b}: holds seq {got[1]}, acked {acked[b]} (unknown outcome: {sorted(maybe.get(b, ()))})")
    # what was read is now the known state: an unknown outcome is settled
    return (not lost), (f"ok {len(acked)} blocks acked, {writes} writes" if not lost else "LOST " + "; ".join(lost[:5]))


def write_stats():
    with open(os.path.join(ctl, "stats.tmp"), "w") as f:
        f.write(f"{writes} {errors} {reconnects}\n")
    os.replace(os.path.join(ctl, "stats.tmp"), os.path.join(ctl, "stats"))


connect()
last_stats = 0
while not os.path.exists(os.path.join(ctl, "stop")):
    if os.path.exists(os.path.join(ctl, "pause")):
        result = None
        while result is None:
            try:
                ok, msg = check()
                result = msg
            except OSError as e:
                conn.close(); reconnects += 1
                if not connect():
                    sys.exit(0)
        with open(os.path.join(ctl, "result.tmp"), "w") as f:
            f.write(result + "\n")
        os.replace(os.path.join(ctl, "result.tmp"), os.path.join(ctl, "result"))
        while os.path.exists(os.path.join(ctl, "pause")) and not os.path.exists(os.path.join(ctl, "stop")):
            time.sleep(0.05)
        continue
    b = rnd.randrange(blocks)
    seq += 1
    try:
        conn.request(1, b * BS, BS, stamp(b, seq))
        acked[b] = seq
        maybe.pop(b, None)
        writes += 1
    except OSError:
        errors += 1
        maybe.setdefault(b, []).append(seq)
        conn.close(); reconnects += 1
        if not connect():
            break
    if time.time() - last_stats > 1:
        write_stats(); last_stats = time.time()
write_stats()
