package org.hybridllm.lifecycle.evaluate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.FieldMatchSummary;
import org.hybridllm.lifecycle.scoring.JudgeCall;
import org.hybridllm.lifecycle.scoring.ScoredExample;
import org.hybridllm.lifecycle.scoring.Scorer;
import org.hybridllm.lifecycle.scoring.ScorerSummary;
import org.hybridllm.lifecycle.scoring.Verdict;

/**
 * One model + prompt's outputs on a set of examples, scored: every example with each scorer's verdict, and the
 * task kind's primary metric over them — accuracy (classification), strict record match (extraction: valid
 * against the schema and every field right), rubric pass rate when a judge grades a rubric, otherwise the share of
 * replies that match the reference (generation).
 *
 * @param metrics what the review shows beyond the primary metric: per-scorer summaries, the per-field table
 */
public record Evaluation(TaskKind task, String primaryMetric, double primary, List<ExampleResult> examples,
                         ClassificationMetrics classification, FieldMatchSummary fields,
                         List<ScorerSummary> scorers, Map<String, Object> metrics, List<JudgeCall> judgeCalls) {

    public static final String ACCURACY = "accuracy";
    public static final String STRICT_RECORD_MATCH = "strictRecordMatch";
    public static final String RUBRIC_PASS_RATE = "rubricPassRate";
    public static final String REFERENCE_MATCH = "referenceMatch";

    /** One example: what went in, what was expected, what came out, and every verdict on it. */
    public record ExampleResult(int position, String input, String expected, String output, boolean passed,
                                Double value, List<Verdict> verdicts, double latencyMs, BigDecimal costUsd) {
    }

    /**
     * Scores completions against their examples; {@code championOutputs} (same order, or null) are what the
     * pairwise judge compares with.
     */
    static Evaluation of(TaskKind task, List<String> labels, List<LabelledExample> examples,
                         List<Completion> completions, List<String> championOutputs, List<Scorer> scorers) {
        String primaryMetric = switch (task) {
            case CLASSIFICATION -> ACCURACY;
            case EXTRACTION -> STRICT_RECORD_MATCH;
            case GENERATION -> scorers.stream().anyMatch(s -> s.type().equals(UseCaseScorers.LLM_RUBRIC))
                    ? RUBRIC_PASS_RATE : REFERENCE_MATCH;
        };
        List<ExampleResult> results = new ArrayList<>(examples.size());
        List<Verdict> all = new ArrayList<>();
        List<JudgeCall> judgeCalls = new ArrayList<>();
        double primarySum = 0;
        for (int i = 0; i < examples.size(); i++) {
            LabelledExample example = examples.get(i);
            Completion completion = completions.get(i);
            ScoredExample scored = new ScoredExample(example.input(), example.expected(), completion.output(),
                    completion.latencyMs(), completion.costUsd(),
                    championOutputs == null ? null : championOutputs.get(i));
            List<Verdict> verdicts = new ArrayList<>(scorers.size());
            for (Scorer scorer : scorers) {
                Verdict verdict = scorer.score(scored);
                verdicts.add(verdict);
                judgeCalls.addAll(verdict.judgeCalls());
            }
            all.addAll(verdicts);
            Outcome outcome = outcome(primaryMetric, verdicts);
            primarySum += outcome.value();
            results.add(new ExampleResult(i, example.input(), example.expected(), completion.output(),
                    outcome.passed(), outcome.value(), verdicts, completion.latencyMs(), completion.costUsd()));
        }
        double primary = examples.isEmpty() ? 0 : primarySum / examples.size();
        ClassificationMetrics classification = task != TaskKind.CLASSIFICATION ? null
                : ClassificationMetrics.of(labels, examples.stream().map(LabelledExample::expected).toList(),
                completions.stream().map(Completion::output).toList());
        FieldMatchSummary fields = task != TaskKind.EXTRACTION ? null : FieldMatchSummary.of(all.stream()
                .filter(v -> v.type().equals(UseCaseScorers.FIELD_MATCH)).toList());
        List<ScorerSummary> summaries = ScorerSummary.of(all);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("primary", Map.of("name", primaryMetric, "value", primary));
        metrics.put("scorers", summaries);
        if (fields != null) {
            metrics.put("fields", fields);
            metrics.put("fieldF1", fields.micro() == null ? null : fields.micro().f1());
        }
        summaries.stream().filter(s -> s.type().equals(UseCaseScorers.PAIRWISE)).findFirst()
                .ifPresent(s -> metrics.put("pairwiseWinRate", s.meanValue()));
        return new Evaluation(task, primaryMetric, primary, results, classification, fields, summaries, metrics,
                judgeCalls);
    }

    private record Outcome(boolean passed, double value) {
    }

    /** An example's part in the primary metric: passed, and its value (1/0, or the rubric's share of criteria). */
    private static Outcome outcome(String primaryMetric, List<Verdict> verdicts) {
        return switch (primaryMetric) {
            case ACCURACY -> passedOf(verdicts, UseCaseScorers.EQUALS);
            case STRICT_RECORD_MATCH -> {
                boolean passed = passedOf(verdicts, UseCaseScorers.JSON_SCHEMA).passed()
                        && passedOf(verdicts, UseCaseScorers.FIELD_MATCH).passed();
                yield new Outcome(passed, passed ? 1 : 0);
            }
            case RUBRIC_PASS_RATE -> verdicts.stream().filter(v -> v.type().equals(UseCaseScorers.LLM_RUBRIC))
                    .findFirst().map(v -> new Outcome(v.passed(), v.value() == null ? 0 : v.value()))
                    .orElse(new Outcome(false, 0));
            default -> passedOf(verdicts, UseCaseScorers.SIMILAR);
        };
    }

    private static Outcome passedOf(List<Verdict> verdicts, String type) {
        boolean passed = verdicts.stream().filter(v -> v.type().equals(type)).findFirst().map(Verdict::passed)
                .orElse(false);
        return new Outcome(passed, passed ? 1 : 0);
    }
}
