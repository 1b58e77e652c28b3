package org.hybridllm.lifecycle.feedback;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of an NDJSON body as byte ranges of one reused buffer, for Jackson to parse as bytes: no decoding into
 * a String first, no per-character reads (the profile of the batch API showed its request thread mostly in
 * {@code BufferedReader.read}, one character at a time). A line longer than the limit is refused once it is,
 * without buffering it whole. A trailing carriage return is not part of the line.
 */
final class NdjsonLines {

    /** A line longer than the limit: its number. */
    static final class TooLong extends IOException {
        final long lineNumber;

        TooLong(long lineNumber) {
            super("line " + lineNumber + " is too long");
            this.lineNumber = lineNumber;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buffer = new byte[1 << 16];
    private int start; // the next line's first byte
    private int end; // the end of what was read
    private int lineStart;
    private int lineLength;
    private long lineNumber;

    NdjsonLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Moves to the next line; false at the end of the body. */
    boolean next() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    take(start, i);
                    start = i + 1;
                    return true;
                }
            }
            if (end - start > maxLineBytes) {
                throw new TooLong(lineNumber + 1);
            }
            scanned = end - start;
            if (start > 0) { // keep the partial line, at the buffer's start
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxLineBytes + 2));
            }
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                if (start == end) {
                    return false;
                }
                take(start, end); // a last line without a newline
                start = end;
                return true;
            }
            end += read;
        }
    }

    private void take(int from, int to) throws TooLong {
        int length = to - from;
        if (length > 0 && buffer[to - 1] == '\r') {
            length--;
        }
        if (length > maxLineBytes) {
            throw new TooLong(lineNumber + 1);
        }
        lineStart = from;
        lineLength = length;
        lineNumber++;
    }

    byte[] array() {
        return buffer;
    }

    int offset() {
        return lineStart;
    }

    int length() {
        return lineLength;
    }

    long lineNumber() {
        return lineNumber;
    }

    /** Whether the line holds nothing but spaces and tabs. */
    boolean blank() {
        for (int i = lineStart; i < lineStart + lineLength; i++) {
            if (buffer[i] != ' ' && buffer[i] != '\t' && buffer[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
