package org.hybridllm.lifecycle.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field-match results over an evaluation: per field, the outcomes counted apart and precision / recall / F1,
 * where a wrong value counts against both precision and recall, a missing one against recall and an extra one
 * against precision; plus the strict record match rate and the micro-averaged field scores. Scores whose
 * denominator is zero (a field never predicted, or never expected) are {@code null}.
 *
 * @param records           field-match verdicts counted (each one record)
 * @param strictMatches     records with every field right
 * @param strictMatchRate   strictMatches / records; {@code null} without records
 * @param fields            per field, in the order fields first appear
 */
public record FieldMatchSummary(int records, int strictMatches, Double strictMatchRate,
                                List<FieldScores> fields, FieldScores micro) {

    /**
     * One field's counts and scores ({@code field} is "micro" for the sum over all fields).
     */
    public record FieldScores(String field, int correct, int wrong, int missing, int extra, int absentBoth,
                              Double precision, Double recall, Double f1) {

        static FieldScores of(String field, int correct, int wrong, int missing, int extra, int absentBoth) {
            Double precision = ratio(correct, correct + wrong + extra);
            Double recall = ratio(correct, correct + wrong + missing);
            Double f1;
            if (precision == null && recall == null) {
                f1 = null;
            } else {
                double p = precision == null ? 0 : precision;
                double r = recall == null ? 0 : recall;
                f1 = p + r == 0 ? 0.0 : 2 * p * r / (p + r);
            }
            return new FieldScores(field, correct, wrong, missing, extra, absentBoth, precision, recall, f1);
        }

        private static Double ratio(int numerator, int denominator) {
            return denominator == 0 ? null : (double) numerator / denominator;
        }
    }

    /** Summarises field-match verdicts (verdicts of other types are ignored). */
    public static FieldMatchSummary of(List<Verdict> fieldMatchVerdicts) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        int records = 0;
        int strict = 0;
        for (Verdict verdict : fieldMatchVerdicts) {
            if (!FieldMatchScorer.TYPE.equals(verdict.type())) {
                continue;
            }
            records++;
            if (verdict.passed()) {
                strict++;
            }
            if (!(verdict.details().get("fields") instanceof Map<?, ?> fields)) {
                continue; // nothing was compared: no expected record
            }
            fields.forEach((name, detail) -> {
                if (detail instanceof Map<?, ?> field && field.get("outcome") instanceof String outcome) {
                    counts.computeIfAbsent(String.valueOf(name), n -> new int[FieldOutcome.values().length])
                            [FieldOutcome.ofLabel(outcome).ordinal()]++;
                }
            });
        }
        List<FieldScores> fields = new ArrayList<>();
        int[] total = new int[FieldOutcome.values().length];
        counts.forEach((name, c) -> {
            fields.add(scores(name, c));
            for (int i = 0; i < c.length; i++) {
                total[i] += c[i];
            }
        });
        return new FieldMatchSummary(records, strict, records == 0 ? null : (double) strict / records,
                List.copyOf(fields), scores("micro", total));
    }

    /** The micro-averaged field F1: every field decision of every record counted once. */
    public Double microF1() {
        return micro.f1();
    }

    private static FieldScores scores(String name, int[] c) {
        return FieldScores.of(name, c[FieldOutcome.MATCH.ordinal()], c[FieldOutcome.WRONG.ordinal()],
                c[FieldOutcome.MISSING.ordinal()], c[FieldOutcome.EXTRA.ordinal()],
                c[FieldOutcome.ABSENT_BOTH.ordinal()]);
    }
}
