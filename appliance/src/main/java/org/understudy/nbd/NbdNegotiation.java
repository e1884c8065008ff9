package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.BlockDevice;

/**
 * The server side of the fixed newstyle handshake on one connection: greeting, client flags, then option haggling until
 * GO or EXPORT_NAME picks an export (or the client aborts). Unknown options get NBD_REP_ERR_UNSUP and haggling goes on.
 * Used by one connection thread only; not thread-safe.
 */
final class NbdNegotiation {
    private static final Logger LOG = LogManager.getLogger(NbdNegotiation.class);

    /** The outcome of a successful negotiation: the export chosen and the device behind it. */
    record Chosen(String name, BlockDevice device) {
    }

    private final SocketChannel ch;
    private final NbdExports exports;
    private final String remote;
    private final ByteBuffer out = ByteBuffer.allocate(NbdConstants.MAX_OPTION_LENGTH);
    private final Consumer<String> onChosen;
    private boolean noZeroes;

    /** {@code onChosen} is told the export name before the final reply goes out, so the server knows it first. */
    NbdNegotiation(SocketChannel ch, NbdExports exports, String remote, Consumer<String> onChosen) {
        this.ch = ch;
        this.exports = exports;
        this.remote = remote;
        this.onChosen = onChosen;
    }

    /**
     * Runs the handshake. Returns the chosen export, or empty when the client aborted, asked for an unknown export by
     * EXPORT_NAME, or broke the protocol (each logged with its reason).
     */
    Optional<Chosen> run() throws IOException {
        out.clear();
        NbdHandshakeCodec.encodeGreeting(out, NbdConstants.FLAG_FIXED_NEWSTYLE | NbdConstants.FLAG_NO_ZEROES);
        flush();
        ByteBuffer flagsBuf = ByteBuffer.allocate(4);
        if (!ChannelIo.readFullyOrEof(ch, flagsBuf)) {
            LOG.info("nbd[-] {}: client closed before sending its flags", remote);
            return Optional.empty();
        }
        ByteBuffer header = ByteBuffer.allocate(NbdConstants.OPTION_HEADER_SIZE);
        try {
            int clientFlags = NbdHandshakeCodec.decodeClientFlags(flagsBuf.flip());
            noZeroes = (clientFlags & NbdConstants.CLIENT_FLAG_NO_ZEROES) != 0;
            while (true) {
                header.clear();
                if (!ChannelIo.readFullyOrEof(ch, header)) {
                    LOG.info("nbd[-] {}: client closed during option haggling", remote);
                    return Optional.empty();
                }
                NbdHandshakeCodec.OptionHeader opt = NbdHandshakeCodec.decodeOptionHeader(header.flip());
                ByteBuffer data = ByteBuffer.allocate(opt.length());
                ChannelIo.readFully(ch, data);
                data.flip();
                Step step = handle(opt.option(), data);
                if (step.done) {
                    return Optional.ofNullable(step.chosen);
                }
            }
        } catch (NbdProtocolException e) {
            LOG.warn("nbd[-] {}: closing connection during handshake: {}", remote, e.getMessage());
            return Optional.empty();
        }
    }

    private record Step(boolean done, Chosen chosen) {
        static final Step CONTINUE = new Step(false, null);
        static final Step END = new Step(true, null);
    }

    private Step handle(int option, ByteBuffer data) throws IOException, NbdProtocolException {
        String optName = NbdConstants.optionName(option);
        switch (option) {
            case NbdConstants.OPT_EXPORT_NAME -> {
                String name = NbdHandshakeCodec.decodeExportName(data);
                Optional<BlockDevice> dev = exports.lookup(name);
                if (dev.isEmpty()) {
                    // EXPORT_NAME has no error reply: the spec says the server closes the connection
                    LOG.warn("nbd[{}] {}: EXPORT_NAME for unknown export, closing (known: {})", name, remote, exports.names());
                    return Step.END;
                }
                onChosen.accept(name);
                out.clear();
                NbdHandshakeCodec.encodeExportNameReply(out, dev.get().size(), NbdConstants.transmissionFlags(dev.get()), noZeroes);
                flush();
                LOG.info("nbd[{}] {}: EXPORT_NAME chose export of {} bytes", name, remote, dev.get().size());
                return new Step(true, new Chosen(name, dev.get()));
            }
            case NbdConstants.OPT_ABORT -> {
                reply(option, NbdConstants.REP_ACK, null);
                LOG.info("nbd[-] {}: client aborted the handshake", remote);
                return Step.END;
            }
            case NbdConstants.OPT_LIST -> {
                if (data.hasRemaining()) {
                    reply(option, NbdConstants.REP_ERR_INVALID, "LIST carries no data".getBytes(StandardCharsets.UTF_8));
                    LOG.warn("nbd[-] {}: LIST with {} bytes of data refused", remote, data.remaining());
                    return Step.CONTINUE;
                }
                List<String> names = exports.names();
                for (String n : names) {
                    out.clear();
                    NbdHandshakeCodec.encodeServerReply(out, n);
                    flush();
                }
                reply(option, NbdConstants.REP_ACK, null);
                LOG.debug("nbd[-] {}: LIST answered with {} exports", remote, names.size());
                return Step.CONTINUE;
            }
            case NbdConstants.OPT_INFO, NbdConstants.OPT_GO -> {
                return infoOrGo(option, optName, data);
            }
            default -> {
                LOG.info("nbd[-] {}: option {} ({} bytes) not supported, replying ERR_UNSUP", remote, optName, data.remaining());
                reply(option, NbdConstants.REP_ERR_UNSUP, null);
                return Step.CONTINUE;
            }
        }
    }

    private Step infoOrGo(int option, String optName, ByteBuffer data) throws IOException {
        NbdHandshakeCodec.GoRequest go;
        try {
            go = NbdHandshakeCodec.decodeGoRequest(data);
        } catch (NbdProtocolException e) {
            LOG.warn("nbd[-] {}: malformed {} refused with ERR_INVALID: {}", remote, optName, e.getMessage());
            reply(option, NbdConstants.REP_ERR_INVALID, e.getMessage().getBytes(StandardCharsets.UTF_8));
            return Step.CONTINUE;
        }
        Optional<BlockDevice> dev = exports.lookup(go.name());
        if (dev.isEmpty()) {
            LOG.warn("nbd[{}] {}: {} for unknown export, replying ERR_UNKNOWN (known: {})", go.name(), remote, optName, exports.names());
            reply(option, NbdConstants.REP_ERR_UNKNOWN, ("unknown export '" + go.name() + "'").getBytes(StandardCharsets.UTF_8));
            return Step.CONTINUE;
        }
        BlockDevice d = dev.get();
        for (int info : go.infoRequests()) {
            if (info == NbdConstants.INFO_NAME) {
                out.clear();
                NbdHandshakeCodec.encodeInfoString(out, option, NbdConstants.INFO_NAME, go.name());
                flush();
            } else if (info == NbdConstants.INFO_DESCRIPTION) {
                out.clear();
                NbdHandshakeCodec.encodeInfoString(out, option, NbdConstants.INFO_DESCRIPTION, d.describe());
                flush();
            }
            // EXPORT and BLOCK_SIZE are always sent below; unknown types are ignored as the spec allows
        }
        out.clear();
        NbdHandshakeCodec.encodeInfoBlockSize(out, option, NbdConstants.MIN_BLOCK_SIZE, NbdConstants.PREFERRED_BLOCK_SIZE,
                NbdConstants.MAX_PAYLOAD);
        NbdHandshakeCodec.encodeInfoExport(out, option, d.size(), NbdConstants.transmissionFlags(d));
        NbdHandshakeCodec.encodeOptionReplyHeader(out, option, NbdConstants.REP_ACK, 0);
        if (option == NbdConstants.OPT_GO) {
            onChosen.accept(go.name());
        }
        flush();
        if (option == NbdConstants.OPT_GO) {
            LOG.info("nbd[{}] {}: GO chose export of {} bytes, flags 0x{}", go.name(), remote, d.size(),
                    Integer.toHexString(NbdConstants.transmissionFlags(d)));
            return new Step(true, new Chosen(go.name(), d));
        }
        LOG.debug("nbd[{}] {}: INFO answered", go.name(), remote);
        return Step.CONTINUE;
    }

    private void reply(int option, int type, byte[] data) throws IOException {
        out.clear();
        NbdHandshakeCodec.encodeOptionReply(out, option, type, data);
        flush();
    }

    private void flush() throws IOException {
        out.flip();
        ChannelIo.writeFully(ch, out);
        out.clear();
    }
}
