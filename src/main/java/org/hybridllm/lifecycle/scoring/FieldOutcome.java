package org.hybridllm.lifecycle.scoring;

import java.util.Arrays;

/**
 * How one field of an extracted record compares with the expected record, as field-match verdicts record it
 * (by {@link #label()}) in {@code details.fields.<name>.outcome}.
 */
public enum FieldOutcome {
    /** Both have the field and the values match by the field's rule. */
    MATCH("match"),
    /** Both have the field, with values that do not match. */
    WRONG("wrong"),
    /** Expected, but the output lacks it. */
    MISSING("missing"),
    /** In the output, but not expected. */
    EXTRA("extra"),
    /** Neither has it: rightly left out. */
    ABSENT_BOTH("absent-both");

    private final String label;

    FieldOutcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Right for the record: matched, or rightly absent. */
    public boolean right() {
        return this == MATCH || this == ABSENT_BOTH;
    }

    public static FieldOutcome ofLabel(String label) {
        return Arrays.stream(values()).filter(outcome -> outcome.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no field outcome " + label));
    }
}
