package org.hybridllm.lifecycle.feedback;

import java.nio.charset.StandardCharsets;

/**
 * One row of PostgreSQL's COPY text format as the server sends it (UTF-8): fields separated by tabs, {@code \N}
 * for null, and backslash escapes for backslash, tab, newline and the other control characters (also octal
 * {@code \ooo} and hex {@code \xhh}, which COPY TO does not write but COPY FROM accepts).
 */
final class CopyTextRow {

    private CopyTextRow() {
    }

    /**
     * @param row     the row's bytes, with or without its final newline
     * @param columns how many fields the row must have
     */
    static String[] fields(byte[] row, int columns) {
        int end = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
        String[] fields = new String[columns];
        int start = 0;
        for (int field = 0; field < columns; field++) {
            if (start > end) {
                throw new IllegalArgumentException("COPY row has " + field + " fields, " + columns + " expected");
            }
            int stop = start;
            boolean escaped = false;
            while (stop < end && row[stop] != '\t') {
                if (row[stop] == '\\') {
                    escaped = true;
                    stop++; // the escaped character, whatever it is (a data tab is always written as \t)
                }
                stop++;
            }
            stop = Math.min(stop, end);
            if (stop - start == 2 && row[start] == '\\' && row[start + 1] == 'N') {
                fields[field] = null;
            } else if (escaped) {
                fields[field] = unescape(row, start, stop);
            } else {
                fields[field] = new String(row, start, stop - start, StandardCharsets.UTF_8);
            }
            start = stop + 1;
        }
        if (start <= end) {
            throw new IllegalArgumentException("COPY row has more than " + columns + " fields");
        }
        return fields;
    }

    private static String unescape(byte[] row, int start, int stop) {
        byte[] out = new byte[stop - start];
        int length = 0;
        for (int i = start; i < stop; i++) {
            byte b = row[i];
            if (b != '\\' || i + 1 >= stop) {
                out[length++] = b;
                continue;
            }
            byte next = row[++i];
            switch (next) {
                case 'b' -> out[length++] = '\b';
                case 'f' -> out[length++] = '\f';
                case 'n' -> out[length++] = '\n';
                case 'r' -> out[length++] = '\r';
                case 't' -> out[length++] = '\t';
                case 'v' -> out[length++] = 0x0B;
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < stop && Character.digit(row[i + 1], 16) >= 0) {
                        value = value * 16 + Character.digit(row[++i], 16);
                        digits++;
                    }
                    out[length++] = digits == 0 ? (byte) 'x' : (byte) value;
                }
                default -> {
                    if (next >= '0' && next <= '7') {
                        int value = next - '0';
                        for (int digits = 1; digits < 3 && i + 1 < stop && row[i + 1] >= '0' && row[i + 1] <= '7';
                             digits++) {
                            value = value * 8 + (row[++i] - '0');
                        }
                        out[length++] = (byte) value;
                    } else {
                        out[length++] = next; // \\ and any other escaped character stand for themselves
                    }
                }
            }
        }
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }
}
