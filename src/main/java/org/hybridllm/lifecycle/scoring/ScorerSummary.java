package org.hybridllm.lifecycle.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scorer's results over an evaluation: how many examples passed and the mean of the values it measured.
 *
 * @param examples  verdicts counted
 * @param measured  verdicts with a value (the others could not be measured: no reference, an unreadable judge)
 * @param meanValue the mean over the measured verdicts; {@code null} when none was
 */
public record ScorerSummary(String scorer, String type, int examples, int passed, double passRate, int measured,
                            Double meanValue) {

    /** One summary per scorer name, in the order the scorers first appear. */
    public static List<ScorerSummary> of(List<Verdict> verdicts) {
        Map<String, List<Verdict>> byScorer = new LinkedHashMap<>();
        for (Verdict verdict : verdicts) {
            byScorer.computeIfAbsent(verdict.scorer(), name -> new ArrayList<>()).add(verdict);
        }
        List<ScorerSummary> summaries = new ArrayList<>();
        byScorer.forEach((scorer, own) -> {
            int passed = (int) own.stream().filter(Verdict::passed).count();
            List<Double> values = own.stream().map(Verdict::value).filter(value -> value != null).toList();
            Double mean = values.isEmpty() ? null
                    : values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
            summaries.add(new ScorerSummary(scorer, own.get(0).type(), own.size(), passed,
                    (double) passed / own.size(), values.size(), mean));
        });
        return summaries;
    }
}
