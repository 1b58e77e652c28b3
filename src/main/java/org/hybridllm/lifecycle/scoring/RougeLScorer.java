package org.hybridllm.lifecycle.scoring;

import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-L F-measure (rouge-score's, no stemming) of the output against the expected output, 0 to 1, with
 * precision and recall in the details. With a {@code threshold} (0-1) the output passes at or above it; without
 * one the verdict only reports the score and passes.
 */
final class RougeLScorer extends BaseScorer {

    static final String TYPE = "rouge-l";

    private final Double threshold;

    RougeLScorer(String name, Double threshold) {
        super(name, TYPE);
        this.threshold = threshold;
    }

    static RougeLScorer from(ScorerParams params) {
        params.allowOnly("threshold");
        return new RougeLScorer(params.name(), params.number("threshold", 0, 1).orElse(null));
    }

    @Override
    public Verdict score(ScoredExample example) {
        if (example.expected() == null) {
            return unmeasured("no reference output to compare with");
        }
        RougeL.Score rouge = RougeL.score(example.expected(), example.output());
        Map<String, Object> details = Map.of("precision", rouge.precision(), "recall", rouge.recall(),
                "fmeasure", rouge.fmeasure());
        String score = String.format(Locale.ROOT, "ROUGE-L F %.3f (precision %.3f, recall %.3f)",
                rouge.fmeasure(), rouge.precision(), rouge.recall());
        if (threshold == null) {
            return verdict(rouge.fmeasure(), true, score + ", no threshold set", details);
        }
        boolean passed = rouge.fmeasure() >= threshold;
        return verdict(rouge.fmeasure(), passed, score + (passed ? " ≥ " : " < ") + format(threshold), details);
    }
}
