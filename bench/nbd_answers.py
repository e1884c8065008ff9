"""Polls an NBD export until it answers: prints the wall-clock time (seconds) of the first NBD_OPT_LIST that offers it.

Usage: python3 bench/nbd_answers.py HOST PORT EXPORT [LIMIT_SECONDS] [--signal SIG PID]
  (exit 1 if it never answered within the limit)
In one process, so the poll's own cost is a connect and a few bytes, not a client program's start per attempt (a
loop of nbdinfo processes adds up to one whole start-up, tens of ms, to every figure). The same exchange as the
standby's NBD probe: fixed newstyle greeting, NBD_OPT_LIST, the export among the NBD_REP_SERVER replies.
With --signal, the poller sends SIG (KILL, STOP) to PID itself once it is running and prints "SENT ANSWERED": the
interpreter's own start (a third of a second and more through a version manager's shim, on a loaded machine) then
never counts in a figure measured from the signal, as it did when the caller signalled first and started the poller
after.
"""
import os, signal, socket, struct, sys, threading, time

OPTS_MAGIC = b"IHAVEOPT"
REPLY_MAGIC = 0x3E889045565A9


def read(s, n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk:
            raise ConnectionError("closed")
        b += chunk
    return b


def offers(host, port, export):
    with socket.create_connection((host, port), timeout=0.2) as s:
        s.settimeout(0.5)
        if read(s, 8) != b"NBDMAGIC" or read(s, 8) != OPTS_MAGIC:
            return False
        read(s, 2)  # handshake flags
        s.sendall(struct.pack(">I", 1) + OPTS_MAGIC + struct.pack(">II", 3, 0))  # fixed newstyle; NBD_OPT_LIST
        names = []
        while True:
            magic, _opt, rtype, length = struct.unpack(">QIII", read(s, 20))
            data = read(s, length) if length else b""
            if magic != REPLY_MAGIC or rtype == 1:  # NBD_REP_ACK ends the list
                break
            if rtype == 2:  # NBD_REP_SERVER: name length, name
                (n,) = struct.unpack(">I", data[:4])
                names.append(data[4:4 + n].decode())
            elif rtype & 0x80000000:
                break
        s.sendall(OPTS_MAGIC + struct.pack(">II", 2, 0))  # NBD_OPT_ABORT
        return export in names


def main():
    args = sys.argv[1:]
    sent = None
    if "--signal" in args:
        i = args.index("--signal")
        sig, pid = getattr(signal, "SIG" + args[i + 1]), int(args[i + 2])
        del args[i:i + 3]
        sent = time.time()
        os.kill(pid, sig)
    host, port, export = args[0], int(args[1]), args[2]
    limit = float(args[3]) if len(args) > 3 else 60
    end = time.monotonic() + limit
    answered, lock, found = [], threading.Lock(), threading.Event()

    def attempt():
        try:
            if offers(host, port, export):
                with lock:
                    answered.append(time.time())
                found.set()
        except OSError:
            pass

    # a new attempt every 2 ms, each in a thread of its own, not one after the other: a connection the kernel of a
    # frozen or cut-off primary took (it answers nothing) waits out its time-out, and a poller waiting on it would see
    # the standby serving up to that time-out late
    while time.monotonic() < end and not found.is_set():
        if threading.active_count() < 256:
            threading.Thread(target=attempt, daemon=True).start()
        found.wait(0.002)
    if not found.is_set():
        return 1
    with lock:
        first = f"{min(answered):.6f}"
    print(first if sent is None else f"{sent:.6f} {first}")
    return 0


sys.exit(main())
