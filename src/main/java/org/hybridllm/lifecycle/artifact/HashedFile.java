package org.hybridllm.lifecycle.artifact;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Arrays;

/**
 * A file written for the artifact store, SHA-256-hashed as it is written: storing it
 * ({@link ArtifactStore#storeFile(java.util.UUID, String, String, String, HashedFile, java.util.Map,
 * java.util.Collection)}) does not read it again. Full chunks are hashed and written by a thread of the file's own
 * while the caller fills the next one: for a dataset split of hundreds of megabytes, hashing is a good part of the
 * cost of writing it.
 */
public final class HashedFile extends OutputStream {

    private static final int CHUNK = 1 << 18;

    private final Path path;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final BackgroundConsumer<byte[]> writer;
    private byte[] chunk = new byte[CHUNK];
    private int filled;
    private long bytes;
    private String sha256;

    private HashedFile(Path path) throws IOException {
        this.path = path;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        this.channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.writer = new BackgroundConsumer<>("hashed-file-" + path.getFileName(), 8, this::hashAndWrite);
    }

    /** A new empty file in {@code directory}, named {@code prefix}…{@code suffix}. */
    public static HashedFile create(Path directory, String prefix, String suffix) throws IOException {
        return new HashedFile(Files.createTempFile(directory, prefix, suffix));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (sha256 != null) {
            throw new IOException(path + " is closed");
        }
        bytes += len;
        while (len > 0) {
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == CHUNK) {
                handOver(chunk);
                chunk = new byte[CHUNK];
                filled = 0;
            }
        }
    }

    private void handOver(byte[] data) throws IOException {
        try {
            if (!writer.hand(data)) {
                throw new IOException("cannot write " + path, writer.failure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + path);
        }
    }

    private void hashAndWrite(byte[] data) throws IOException {
        digest.update(data);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        if (sha256 != null) {
            return;
        }
        try {
            if (filled > 0) {
                handOver(Arrays.copyOf(chunk, filled));
            }
            if (!writer.finish()) {
                throw new IOException("cannot write " + path, writer.failure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + path);
        } finally {
            writer.close(); // on a failure above, it may still wait for chunks
            channel.close();
        }
        sha256 = HexFormat.of().formatHex(digest.digest());
    }

    public Path path() {
        return path;
    }

    public long bytes() {
        return bytes;
    }

    /** The content's hash, once the file is closed. */
    public String sha256() {
        if (sha256 == null) {
            throw new IllegalStateException(path + " is still being written");
        }
        return sha256;
    }
}
