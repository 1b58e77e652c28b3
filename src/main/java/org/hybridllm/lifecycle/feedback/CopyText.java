package org.hybridllm.lifecycle.feedback;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Values in PostgreSQL's {@code COPY} text format (the counterpart of {@link CopyTextRow}). */
final class CopyText {

    private CopyText() {
    }

    /** Appends a value, {@code \N} for null, with backslash, tab, newline and carriage return escaped. */
    static StringBuilder append(StringBuilder out, Object value) {
        if (value == null) {
            return out.append("\\N");
        }
        if (value instanceof Number number) {
            return out.append(number);
        }
        String text = value.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }

    /** The rows as the UTF-8 bytes the driver sends (its connections use client_encoding UTF8). */
    static InputStream utf8(CharSequence rows) {
        return new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8));
    }
}
