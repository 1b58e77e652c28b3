package org.hybridllm.lifecycle.scoring;

import java.util.Locale;

/**
 * The output equals the expected output (or a fixed {@code value}), optionally ignoring case and differences in
 * whitespace: the check for labels. Value 1 or 0.
 */
final class EqualsScorer extends BaseScorer {

    static final String TYPE = "equals";

    private final String fixedValue;
    private final boolean ignoreCase;
    private final boolean ignoreWhitespace;

    EqualsScorer(String name, String fixedValue, boolean ignoreCase, boolean ignoreWhitespace) {
        super(name, TYPE);
        this.fixedValue = fixedValue;
        this.ignoreCase = ignoreCase;
        this.ignoreWhitespace = ignoreWhitespace;
    }

    static EqualsScorer from(ScorerParams params) {
        params.allowOnly("value", "ignoreCase", "ignoreWhitespace");
        return new EqualsScorer(params.name(), params.text("value").orElse(null),
                params.flag("ignoreCase", false), params.flag("ignoreWhitespace", false));
    }

    @Override
    public Verdict score(ScoredExample example) {
        String reference = fixedValue != null ? fixedValue : example.expected();
        if (reference == null) {
            return unmeasured("no expected output to compare with");
        }
        boolean equal = comparable(example.output()).equals(comparable(reference));
        return verdict(equal ? 1 : 0, equal, equal
                ? "output equals " + quote(reference)
                : "expected " + quote(reference) + ", got " + quote(example.output()));
    }

    private String comparable(String text) {
        String result = ignoreWhitespace ? TextNormaliser.collapseWhitespace(text) : text;
        return ignoreCase ? result.toLowerCase(Locale.ROOT) : result;
    }
}
