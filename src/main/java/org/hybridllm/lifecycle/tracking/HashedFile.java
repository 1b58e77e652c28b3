package org.hybridllm.lifecycle.tracking;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file written for the artifact store, SHA-256-hashed as it is written: storing it
 * ({@link ArtifactStore#storeFile(UUID, String, String, String, HashedFile, java.util.Map, java.util.Collection)})
 * does not read it again, which for a dataset split of hundreds of megabytes is a second pass saved.
 */
public final class HashedFile extends OutputStream {

    private final Path path;
    private final MessageDigest digest;
    private final OutputStream out;
    private long bytes;
    private String sha256;

    private HashedFile(Path path) throws IOException {
        this.path = path;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        this.out = new BufferedOutputStream(new DigestOutputStream(Files.newOutputStream(path), digest), 1 << 16);
    }

    /** A new empty file in {@code directory}, named {@code prefix}…{@code suffix}. */
    public static HashedFile create(Path directory, String prefix, String suffix) throws IOException {
        return new HashedFile(Files.createTempFile(directory, prefix, suffix));
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        bytes += len;
    }

    @Override
    public void close() throws IOException {
        if (sha256 == null) {
            out.close();
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
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
