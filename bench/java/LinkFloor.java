import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The floor under the mirror's CPU per GiB (bench/link-floor.sh): the least a sync mirror's link can cost on this
 * machine, with no Understudy code in the way. A sender thread ships frames of a 64-byte header and a 1 MiB payload over
 * loopback TCP as MirrorLink does (one gathering write per frame, 4 MiB send buffer, TCP_NODELAY) or with the payload
 * sent from a file (sendfile); a receiver thread reads each header, then its payload into a direct buffer, as
 * FrameChannel does, and optionally checks it (CRC32C), writes it into the page cache (pwrite, as the replica does)
 * and answers with a 64-byte ACK every N frames, which a third thread reads, as the primary's ACK reader does.
 * Prints the CPU time (user + system) of each thread per GiB sent.
 *
 * <p>Usage: java LinkFloor.java BIND_ADDRESS WORK_DIR GIB SEND(writev|sendfile) CRC(crc|nocrc)
 * PWRITE(pwrite|nopwrite) ACK_EVERY(0: none)
 */
public final class LinkFloor {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int PAYLOAD = 1 << 20;
    private static final int HEADER = 64;
    /** The payload file and the replica file each cover 1 GiB, reused round and round (warm page cache). */
    private static final int FILE_FRAMES = 1024;

    public static void main(String[] args) throws Exception {
        String bind = args[0];
        Path dir = Path.of(args[1]);
        int frames = Integer.parseInt(args[2]) * 1024;
        boolean sendfile = args[3].equals("sendfile");
        boolean crc = args[4].equals("crc");
        boolean pwrite = args[5].equals("pwrite");
        int ackEvery = Integer.parseInt(args[6]);
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(bind, 0));
        AtomicLong receiverCpu = new AtomicLong();
        Thread receiver = new Thread(() -> receive(listener, dir.resolve("replica.img"), frames, crc, pwrite, ackEvery,
                receiverCpu), "receiver");
        receiver.start();
        SocketChannel link = SocketChannel.open();
        link.setOption(StandardSocketOptions.TCP_NODELAY, true);
        link.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        link.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        link.connect(listener.getLocalAddress());
        AtomicLong ackCpu = new AtomicLong();
        Thread ackReader = new Thread(() -> readAcks(link, (long) (frames / Math.max(1, ackEvery)) * HEADER, ackCpu),
                "ack-reader");
        if (ackEvery > 0) {
            ackReader.start();
        }
        long t0 = System.nanoTime();
        long senderCpu = send(link, dir.resolve("payload.img"), frames, sendfile, crc);
        receiver.join();
        if (ackEvery > 0) {
            ackReader.join();
        }
        double gib = frames / 1024.0;
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%.0f MiB/s sender %.3f ack_reader %.3f receiver %.3f total %.3f%n", frames / seconds,
                senderCpu / 1e9 / gib, ackCpu.get() / 1e9 / gib, receiverCpu.get() / 1e9 / gib,
                (senderCpu + ackCpu.get() + receiverCpu.get()) / 1e9 / gib);
        System.exit(0);
    }

    private static long send(SocketChannel link, Path payloadFile, int frames, boolean sendfile, boolean crc)
            throws IOException {
        try (FileChannel file = FileChannel.open(payloadFile, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
            ByteBuffer payload = ByteBuffer.allocateDirect(PAYLOAD);
            ByteBuffer[] frame = {header, payload};
            CRC32C sum = new CRC32C();
            for (int i = 0; i < frames; i++) {
                header.clear();
                payload.clear();
                if (crc) {
                    sum.reset();
                    // sendfile too: the file holds zeros, as the buffer does, so the sum over the buffer (what a
                    // primary would sum: the client's data) matches what goes out
                    sum.update(payload.duplicate());
                    header.putInt(0, (int) sum.getValue());
                }
                if (sendfile) {
                    while (header.hasRemaining()) {
                        link.write(header);
                    }
                    long at = (long) (i % FILE_FRAMES) * PAYLOAD;
                    long end = at + PAYLOAD;
                    while (at < end) {
                        at += file.transferTo(at, end - at, link);
                    }
                } else {
                    while (payload.hasRemaining()) {
                        link.write(frame);
                    }
                }
            }
        }
        return THREADS.getCurrentThreadCpuTime();
    }

    private static void receive(ServerSocketChannel listener, Path replica, int frames, boolean crc, boolean pwrite,
                                int ackEvery, AtomicLong cpu) {
        try (SocketChannel link = listener.accept();
             FileChannel file = FileChannel.open(replica, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            link.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
            ByteBuffer payload = ByteBuffer.allocateDirect(PAYLOAD);
            ByteBuffer ack = ByteBuffer.allocateDirect(HEADER);
            CRC32C sum = new CRC32C();
            long checks = 0;
            for (int i = 0; i < frames; i++) {
                header.clear();
                payload.clear();
                fill(link, header);
                fill(link, payload);
                payload.flip();
                if (crc) {
                    sum.reset();
                    sum.update(payload.duplicate());
                    checks += (int) sum.getValue() == header.getInt(0) ? 1 : 0;
                }
                if (pwrite) {
                    long at = (long) (i % FILE_FRAMES) * PAYLOAD;
                    while (payload.hasRemaining()) {
                        at += file.write(payload, at);
                    }
                }
                if (ackEvery > 0 && (i + 1) % ackEvery == 0) {
                    ack.clear();
                    while (ack.hasRemaining()) {
                        link.write(ack);
                    }
                }
            }
            if (crc && checks != frames) {
                throw new IllegalStateException((frames - checks) + " frames failed their CRC check");
            }
            cpu.set(THREADS.getCurrentThreadCpuTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fill(SocketChannel link, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (link.read(b) < 0) {
                throw new EOFException("sender closed the link");
            }
        }
    }

    private static void readAcks(SocketChannel link, long bytes, AtomicLong cpu) {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        long got = 0;
        try {
            while (got < bytes) {
                b.clear();
                int n = link.read(b);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cpu.set(THREADS.getCurrentThreadCpuTime());
    }

    private LinkFloor() {
    }
}
