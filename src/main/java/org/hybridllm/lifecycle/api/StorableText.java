package org.hybridllm.lifecycle.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text PostgreSQL can store. Two things in a Java string cannot be: U+0000 (a {@code text} value cannot hold it;
 * the insert fails with {@code invalid byte sequence for encoding "UTF8": 0x00}) and an unpaired UTF-16 surrogate
 * (not UTF-8 at all; the JDBC driver silently stores {@code ?} instead). Input holding either is refused, naming
 * the field, before anything is written; see {@link StorableTextModule} for request bodies bound by Jackson.
 */
public final class StorableText {

    private StorableText() {
    }

    /** The index of the first character that cannot be stored, or -1 when all of them can. */
    public static int firstUnstorable(CharSequence text) {
        if (text == null) {
            return -1;
        }
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++; // a pair: one supplementary character
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    public static boolean isStorable(CharSequence text) {
        return firstUnstorable(text) < 0;
    }

    /** What is wrong, without repeating the text: e.g. {@code U+0000 at index 12}. */
    public static String describe(CharSequence text, int index) {
        char c = text.charAt(index);
        return (c == 0 ? "U+0000 (NUL)" : String.format("an unpaired surrogate U+%04X", (int) c)) + " at index "
                + index;
    }

    /** The detail of a refusal of {@code field} for the character at {@code index}. */
    public static String refusal(String field, CharSequence text, int index) {
        return "Field '" + field + "' holds " + describe(text, index)
                + ", which cannot be stored; remove or replace it.";
    }

    /** Refuses a value that cannot be stored, naming {@code field}. */
    public static void require(String field, String value) {
        int bad = firstUnstorable(value);
        if (bad >= 0) {
            throw new InvalidInput(field, refusal(field, value, bad));
        }
    }

    /**
     * Refuses a JSON tree holding a string value or a field name that cannot be stored, naming its path in the
     * form {@code data.items[0].comment}.
     */
    public static void require(JsonNode tree) {
        require(tree, "");
    }

    private static void require(JsonNode node, String path) {
        if (node.isTextual()) {
            require(path.isEmpty() ? "body" : path, node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                require(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                int bad = firstUnstorable(name);
                String child = path.isEmpty() ? printable(name) : path + "." + printable(name);
                if (bad >= 0) {
                    throw new InvalidInput(child, "The name of field '" + child + "' holds " + describe(name, bad)
                            + ", which cannot be stored; remove or replace it.");
                }
                require(field.getValue(), child);
            }
        }
    }

    /** The text with what cannot be stored written as {@code \\uXXXX}: for a field name or a log line. */
    public static String printable(String text) {
        if (isStorable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
