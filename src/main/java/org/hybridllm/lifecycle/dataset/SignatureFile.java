package org.hybridllm.lifecycle.dataset;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The MinHash signatures of a build's rows, {@value NearDuplicates#BANDS} ints (64 bytes) a row, as the build
 * spooled them, mapped read-only into memory: the operating system's page cache holds them, not the heap, so that
 * grouping 4 M rows (256 MB of signatures) fits the builder's small heap. Mapped in pieces of at most 1 GiB.
 */
final class SignatureFile implements NearDuplicates.Signatures {

    private static final int ROW_BYTES = NearDuplicates.BANDS * Integer.BYTES;
    private static final int ROWS_PER_PIECE_SHIFT = 24; // 16 M rows of 64 bytes: 1 GiB
    private static final int ROWS_PER_PIECE = 1 << ROWS_PER_PIECE_SHIFT;

    private final MappedByteBuffer[] pieces;
    private final int[] rowNumbers;

    /**
     * Maps the file of {@code spooledRows} signatures; row {@code i} of this view is spooled row
     * {@code rowNumbers[i]} (the rows that survived de-duplication).
     */
    SignatureFile(Path file, int spooledRows, int[] rowNumbers) throws IOException {
        this.rowNumbers = rowNumbers;
        int count = (spooledRows + ROWS_PER_PIECE - 1) / ROWS_PER_PIECE;
        this.pieces = new MappedByteBuffer[count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int piece = 0; piece < count; piece++) {
                long from = (long) piece * ROWS_PER_PIECE * ROW_BYTES;
                long rows = Math.min(ROWS_PER_PIECE, spooledRows - (long) piece * ROWS_PER_PIECE);
                pieces[piece] = channel.map(FileChannel.MapMode.READ_ONLY, from, rows * ROW_BYTES);
            }
        }
    }

    @Override
    public int band(int row, int band) {
        int spooled = rowNumbers[row];
        return pieces[spooled >>> ROWS_PER_PIECE_SHIFT]
                .getInt((spooled & (ROWS_PER_PIECE - 1)) * ROW_BYTES + band * Integer.BYTES);
    }

    /** Two bands in one read: the file holds the ints big-endian, so band 2w is the long's high half. */
    @Override
    public long word(int row, int word) {
        int spooled = rowNumbers[row];
        return pieces[spooled >>> ROWS_PER_PIECE_SHIFT]
                .getLong((spooled & (ROWS_PER_PIECE - 1)) * ROW_BYTES + word * Long.BYTES);
    }
}
