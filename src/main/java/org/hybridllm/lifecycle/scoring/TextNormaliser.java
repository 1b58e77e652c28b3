package org.hybridllm.lifecycle.scoring;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Text compared for meaning rather than form: the same after Unicode NFKC, case, punctuation and spacing. */
final class TextNormaliser {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PUNCTUATION = Pattern.compile("\\p{P}+");

    private TextNormaliser() {
    }

    static String collapseWhitespace(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    /** NFKC (full-width and compatibility forms folded), lower case, punctuation dropped, spaces collapsed. */
    static String normalise(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return collapseWhitespace(PUNCTUATION.matcher(folded).replaceAll(""));
    }
}
