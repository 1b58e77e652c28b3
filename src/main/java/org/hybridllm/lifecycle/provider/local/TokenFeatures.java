package org.hybridllm.lifecycle.provider.local;

import java.util.Arrays;

/**
 * What the tagging head sees of one word piece: its hidden state, its neighbours' (a span's boundaries are
 * decided by what comes before and after), and a few facts about how the piece is written in the input (digits,
 * capitals, currency signs, part of a number), which the lower-cased word pieces lose.
 */
final class TokenFeatures {

    static final int SHAPES = 10;
    static final int DIMENSION = MiniLmTokenStates.DIMENSION + 3 * SHAPES;

    private final MiniLmTokenStates.Encoded encoded;
    private final float[][] shapes;

    TokenFeatures(MiniLmTokenStates.Encoded encoded) {
        this.encoded = encoded;
        this.shapes = shapes(encoded);
    }

    MiniLmTokenStates.Encoded encoded() {
        return encoded;
    }

    int size() {
        return encoded.size();
    }

    /** Writes piece t's features into out (length {@link #DIMENSION}). */
    void fill(int t, float[] out) {
        int d = MiniLmTokenStates.DIMENSION;
        System.arraycopy(encoded.states()[t], 0, out, 0, d);
        System.arraycopy(shapes[t], 0, out, d, SHAPES);
        if (t > 0) {
            System.arraycopy(shapes[t - 1], 0, out, d + SHAPES, SHAPES);
        } else {
            Arrays.fill(out, d + SHAPES, d + 2 * SHAPES, 0f);
        }
        if (t + 1 < shapes.length) {
            System.arraycopy(shapes[t + 1], 0, out, d + 2 * SHAPES, SHAPES);
        } else {
            Arrays.fill(out, d + 2 * SHAPES, d + 3 * SHAPES, 0f);
        }
    }

    private static float[][] shapes(MiniLmTokenStates.Encoded encoded) {
        String text = encoded.text();
        int n = encoded.size();
        boolean[] inNumber = new boolean[text.length() + 1];
        for (NumberText.Found found : NumberText.find(text)) {
            for (int c = found.start(); c < found.end(); c++) {
                inNumber[c] = true;
            }
        }
        float[][] shapes = new float[n][SHAPES];
        for (int t = 0; t < n; t++) {
            int start = encoded.start()[t];
            int end = Math.max(encoded.end()[t], start);
            String written = text.substring(start, end);
            float[] s = shapes[t];
            s[0] = flag(encoded.pieces()[t].startsWith("##"));
            s[1] = flag(written.chars().anyMatch(Character::isDigit));
            s[2] = flag(!written.isEmpty() && written.chars().allMatch(Character::isDigit));
            s[3] = flag(!written.isEmpty() && Character.isUpperCase(written.charAt(0)));
            s[4] = flag(written.chars().filter(Character::isLetter).count() >= 2
                    && written.chars().filter(Character::isLetter).allMatch(Character::isUpperCase));
            s[5] = flag(!written.isEmpty() && written.chars().noneMatch(Character::isLetterOrDigit));
            s[6] = flag(written.chars().anyMatch(c -> Character.getType(c) == Character.CURRENCY_SYMBOL));
            s[7] = flag(start < text.length() && inNumber[start]);
            s[8] = flag(start == 0 || Character.isWhitespace(text.charAt(start - 1)));
            s[9] = flag(chunkHasDigit(text, start, end));
        }
        return shapes;
    }

    /** Whether the white-space-delimited chunk around [start, end) has a digit (identifiers such as ORD-48213). */
    private static boolean chunkHasDigit(String text, int start, int end) {
        int from = start;
        while (from > 0 && !Character.isWhitespace(text.charAt(from - 1))) {
            from--;
        }
        int to = end;
        while (to < text.length() && !Character.isWhitespace(text.charAt(to))) {
            to++;
        }
        for (int c = from; c < to; c++) {
            if (Character.isDigit(text.charAt(c))) {
                return true;
            }
        }
        return false;
    }

    private static float flag(boolean value) {
        return value ? 1f : 0f;
    }
}
