package org.hybridllm.lifecycle.provider.local;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers as people write them in tickets: "$1,200" → 1200, "35.50 GBP" → 35.5, "1.200,50 €" → 1200.5. Digits
 * after a letter ("ORD-48213", "X2") are part of an identifier, not a number.
 */
final class NumberText {

    /** A number-like run in a text: characters [start, end) and the value they write. */
    record Found(int start, int end, BigDecimal value) {
    }

    // not after a letter, digit or separator, nor after "letter-" (an identifier such as ORD-48213)
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\p{L}\\p{N}.,_])(?<!\\p{L}-)-?\\d+(?:[.,]\\d+)*");

    private NumberText() {
    }

    static List<Found> find(String text) {
        List<Found> found = new ArrayList<>();
        Matcher matcher = NUMBER.matcher(text);
        while (matcher.find()) {
            found.add(new Found(matcher.start(), matcher.end(), value(matcher.group())));
        }
        return found;
    }

    /** The first number written in a text, if any. */
    static Optional<BigDecimal> parse(String text) {
        List<Found> found = find(text);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).value());
    }

    /**
     * Separators: with both '.' and ',', the last one is the decimal point; one kind repeated groups thousands; a
     * single ',' followed by exactly three digits groups thousands, otherwise it is a decimal comma; a single '.'
     * is a decimal point.
     */
    static BigDecimal value(String written) {
        int lastDot = written.lastIndexOf('.');
        int lastComma = written.lastIndexOf(',');
        String plain;
        if (lastDot >= 0 && lastComma >= 0) {
            char decimal = lastDot > lastComma ? '.' : ',';
            char grouping = decimal == '.' ? ',' : '.';
            plain = written.replace(String.valueOf(grouping), "").replace(decimal, '.');
        } else if (lastComma >= 0) {
            boolean grouped = written.indexOf(',') != lastComma || written.length() - lastComma - 1 == 3;
            plain = grouped ? written.replace(",", "") : written.replace(',', '.');
        } else if (lastDot >= 0 && written.indexOf('.') != lastDot) {
            plain = written.replace(".", "");
        } else {
            plain = written;
        }
        return new BigDecimal(plain);
    }
}
