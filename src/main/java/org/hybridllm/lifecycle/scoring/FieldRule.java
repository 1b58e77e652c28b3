package org.hybridllm.lifecycle.scoring;

import java.util.List;

/**
 * How the field-match scorer compares one field of an extracted record with the expected one.
 *
 * @param match     {@code exact}, {@code normalised} (case, whitespace, punctuation, Unicode NFKC), {@code numeric}
 *                  (within {@code tolerance}), {@code date} (to a calendar day, within {@code tolerance} days) or
 *                  {@code set} (the same values in any order); {@code null} means exact
 * @param tolerance the allowed absolute difference for numeric and date fields; {@code null} means none
 * @param critical  a miss on this field is named in the verdict's explanation
 */
public record FieldRule(String match, Double tolerance, boolean critical) {

    public static final String EXACT = "exact";
    public static final String NORMALISED = "normalised";
    public static final String NUMERIC = "numeric";
    public static final String DATE = "date";
    public static final String SET = "set";
    public static final List<String> MATCHES = List.of(EXACT, NORMALISED, NUMERIC, DATE, SET);

    public FieldRule {
        match = match == null || match.isBlank() ? EXACT : match;
    }

    public static FieldRule exact() {
        return new FieldRule(EXACT, null, false);
    }

    public static FieldRule normalised() {
        return new FieldRule(NORMALISED, null, false);
    }

    public static FieldRule numeric(double tolerance) {
        return new FieldRule(NUMERIC, tolerance, false);
    }

    public static FieldRule date() {
        return new FieldRule(DATE, null, false);
    }

    public static FieldRule set() {
        return new FieldRule(SET, null, false);
    }

    public FieldRule asCritical() {
        return new FieldRule(match, tolerance, true);
    }
}
