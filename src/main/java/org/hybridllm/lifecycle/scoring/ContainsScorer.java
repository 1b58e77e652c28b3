package org.hybridllm.lifecycle.scoring;

import java.util.Locale;

/** The output contains a fixed {@code value} (or else the expected output), optionally ignoring case. */
final class ContainsScorer extends BaseScorer {

    static final String TYPE = "contains";

    private final String fixedValue;
    private final boolean ignoreCase;

    ContainsScorer(String name, String fixedValue, boolean ignoreCase) {
        super(name, TYPE);
        this.fixedValue = fixedValue;
        this.ignoreCase = ignoreCase;
    }

    static ContainsScorer from(ScorerParams params) {
        params.allowOnly("value", "ignoreCase");
        String value = params.text("value").orElse(null);
        if (value != null && value.isEmpty()) {
            throw params.invalid("value", "must not be empty");
        }
        return new ContainsScorer(params.name(), value, params.flag("ignoreCase", false));
    }

    @Override
    public Verdict score(ScoredExample example) {
        String needle = fixedValue != null ? fixedValue : example.expected();
        if (needle == null) {
            return unmeasured("no value to look for: give the scorer a value or the example an expected output");
        }
        String output = example.output();
        boolean contains = ignoreCase
                ? output.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT))
                : output.contains(needle);
        return verdict(contains ? 1 : 0, contains,
                (contains ? "output contains " : "output does not contain ") + quote(needle));
    }
}
