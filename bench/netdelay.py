#!/usr/bin/env python3
"""Delays packets by a fixed time plus jitter, for bench/chaos.sh: the kernel here has no netem qdisc, so nftables
hands the packets of a fault (`queue num N bypass`) to this process through NFQUEUE, which holds each one DELAY_MS
(+ a uniform 0..JITTER_MS) and then lets it go on (NF_ACCEPT). Packets keep their order (a packet is never released
before one queued ahead of it). A minimal NFQUEUE client over a raw netlink socket: no library needed. Runs in the
network namespace it is started in; ends on SIGTERM (nftables' `bypass` then accepts the packets no one listens for).

Usage: netdelay.py QUEUE DELAY_MS [JITTER_MS]
"""
import collections, os, random, select, signal, socket, struct, sys, time

queue, delay, jitter = int(sys.argv[1]), float(sys.argv[2]) / 1000, float(sys.argv[3] if len(sys.argv) > 3 else 0) / 1000
NETLINK_NETFILTER, SUBSYS_QUEUE = 12, 3
MSG_PACKET, MSG_VERDICT, MSG_CONFIG = 0, 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2
CFG_CMD, CFG_PARAMS, CFG_QUEUE_MAXLEN, CFG_MASK, CFG_FLAGS = 1, 2, 3, 4, 5
CMD_BIND, COPY_META, F_FAIL_OPEN = 1, 1, 1
PACKET_HDR, VERDICT_HDR, NF_ACCEPT = 1, 2, 1

sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
sock.bind((0, 0))
seq = 0


def attr(kind, payload):
    a = struct.pack("=HH", 4 + len(payload), kind) + payload
    return a + b"\0" * (-len(a) % 4)


def send(msg_type, attrs, flags=NLM_F_REQUEST):
    global seq
    seq += 1
    body = struct.pack("=BB", socket.AF_UNSPEC, 0) + struct.pack(">H", queue) + b"".join(attrs)
    sock.send(struct.pack("=IHHII", 16 + len(body), (SUBSYS_QUEUE << 8) | msg_type, flags, seq, 0) + body)


def config(attrs):
    send(MSG_CONFIG, attrs, NLM_F_REQUEST | NLM_F_ACK)
    data = sock.recv(65536)
    length, kind = struct.unpack_from("=IH", data)
    if kind == NLMSG_ERROR and struct.unpack_from("=i", data, 16)[0] != 0:
        sys.exit(f"netdelay: NFQUEUE config refused: errno {-struct.unpack_from('=i', data, 16)[0]}")


config([attr(CFG_CMD, struct.pack(">BBH", CMD_BIND, 0, 0))])
config([attr(CFG_PARAMS, struct.pack(">IB", 0, COPY_META)), attr(CFG_QUEUE_MAXLEN, struct.pack(">I", 20000)),
        attr(CFG_MASK, struct.pack(">I", F_FAIL_OPEN)), attr(CFG_FLAGS, struct.pack(">I", F_FAIL_OPEN))])
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

held = collections.deque()   # (due, packet id), due never decreasing
last_due = 0.0
while True:
    now = time.monotonic()
    while held and held[0][0] <= now:
        send(MSG_VERDICT, [attr(VERDICT_HDR, struct.pack(">II", NF_ACCEPT, held.popleft()[1]))])
    timeout = max(0.0, held[0][0] - now) if held else 1.0
    if not select.select([sock], [], [], timeout)[0]:
        continue
    try:
        data = sock.recv(1 << 16)
    except OSError:   # ENOBUFS: the kernel dropped messages for us; fail-open lets the packets pass
        continue
    off = 0
    while off + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, off)
        if length < 16:
            break
        if kind == (SUBSYS_QUEUE << 8) | MSG_PACKET:
            a = off + 20
            while a + 4 <= off + length:
                alen, atype = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    break
                if atype & 0x7fff == PACKET_HDR:
                    due = max(time.monotonic() + delay + random.uniform(0, jitter), last_due)
                    last_due = due
                    held.append((due, struct.unpack_from(">I", data, a + 4)[0]))
                a += (alen + 3) & ~3
        off += (length + 3) & ~3
