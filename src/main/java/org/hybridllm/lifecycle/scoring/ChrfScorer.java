package org.hybridllm.lifecycle.scoring;

import java.util.Locale;
import java.util.Map;

/**
 * chrF (beta 2, character n-grams up to 6, sacreBLEU's defaults) of the output against the expected output, on
 * sacreBLEU's 0-100 scale. With a {@code threshold} (0-100) the output passes at or above it; without one the
 * verdict only reports the score and passes.
 */
final class ChrfScorer extends BaseScorer {

    static final String TYPE = "chrf";

    private final Double threshold;

    ChrfScorer(String name, Double threshold) {
        super(name, TYPE);
        this.threshold = threshold;
    }

    static ChrfScorer from(ScorerParams params) {
        params.allowOnly("threshold");
        return new ChrfScorer(params.name(), params.number("threshold", 0, 100).orElse(null));
    }

    @Override
    public Verdict score(ScoredExample example) {
        if (example.expected() == null) {
            return unmeasured("no reference output to compare with");
        }
        double chrf = ChrF.SACREBLEU_DEFAULT.sentenceScore(example.output(), example.expected());
        String score = "chrF2 " + String.format(Locale.ROOT, "%.1f", chrf);
        if (threshold == null) {
            return verdict(chrf, true, score + " (no threshold set)", Map.of());
        }
        boolean passed = chrf >= threshold;
        return verdict(chrf, passed, score + (passed ? " ≥ " : " < ") + format(threshold), Map.of());
    }
}
