package org.hybridllm.lifecycle.scoring;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF (Popović 2015) as sacreBLEU 2.x computes it ({@code sacrebleu.metrics.chrf.CHRF}): character n-grams of
 * orders 1 to {@code charOrder} over the text with its whitespace removed, precision and recall averaged over the
 * orders both sides have (sacreBLEU's default "effective order"; or chrF++.py's epsilon smoothing), combined as
 * F-beta and reported on sacreBLEU's 0-100 scale. No word n-grams (that would be chrF++). Characters are Unicode
 * code points, as in Python strings.
 */
final class ChrF {

    static final ChrF SACREBLEU_DEFAULT = new ChrF(6, 2, false, false);
    private static final double EPSILON = 1e-16;

    private final int charOrder;
    private final int beta;
    private final boolean includeWhitespace;
    private final boolean epsilonSmoothing;

    ChrF(int charOrder, int beta, boolean includeWhitespace, boolean epsilonSmoothing) {
        this.charOrder = charOrder;
        this.beta = beta;
        this.includeWhitespace = includeWhitespace;
        this.epsilonSmoothing = epsilonSmoothing;
    }

    double sentenceScore(String hypothesis, String reference) {
        return score(statistics(hypothesis, reference));
    }

    /** Corpus chrF: the segments' statistics summed, then scored once (sacreBLEU's corpus_score). */
    double corpusScore(List<String> hypotheses, List<String> references) {
        long[] total = new long[3 * charOrder];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] segment = statistics(hypotheses.get(i), references.get(i));
            for (int j = 0; j < total.length; j++) {
                total[j] += segment[j];
            }
        }
        return score(total);
    }

    /** Per order: hypothesis n-grams, reference n-grams, matched n-grams. */
    long[] statistics(String hypothesis, String reference) {
        int[] hyp = codePoints(hypothesis);
        int[] ref = codePoints(reference);
        long[] stats = new long[3 * charOrder];
        for (int n = 1; n <= charOrder; n++) {
            Map<String, Integer> hypGrams = ngrams(hyp, n);
            Map<String, Integer> refGrams = ngrams(ref, n);
            long hypCount = 0;
            long refCount = 0;
            long matches = 0;
            for (Map.Entry<String, Integer> gram : hypGrams.entrySet()) {
                hypCount += gram.getValue();
                Integer inRef = refGrams.get(gram.getKey());
                if (inRef != null) {
                    matches += Math.min(gram.getValue(), inRef);
                }
            }
            for (int count : refGrams.values()) {
                refCount += count;
            }
            int at = 3 * (n - 1);
            stats[at] = refGrams.isEmpty() ? 0 : hypCount; // sacreBLEU counts no hits without a reference
            stats[at + 1] = refCount;
            stats[at + 2] = matches;
        }
        return stats;
    }

    double score(long[] stats) {
        double factor = (double) beta * beta;
        double smoothed = 0;
        double precisionSum = 0;
        double recallSum = 0;
        int effectiveOrder = 0;
        for (int i = 0; i < charOrder; i++) {
            long hyp = stats[3 * i];
            long ref = stats[3 * i + 1];
            long match = stats[3 * i + 2];
            double precision = hyp > 0 ? (double) match / hyp : EPSILON;
            double recall = ref > 0 ? (double) match / ref : EPSILON;
            double denominator = factor * precision + recall;
            smoothed += denominator > 0 ? (1 + factor) * precision * recall / denominator : EPSILON;
            if (hyp > 0 && ref > 0) {
                precisionSum += precision;
                recallSum += recall;
                effectiveOrder++;
            }
        }
        if (epsilonSmoothing) {
            return 100 * smoothed / charOrder;
        }
        double precision = effectiveOrder == 0 ? 0 : precisionSum / effectiveOrder;
        double recall = effectiveOrder == 0 ? 0 : recallSum / effectiveOrder;
        if (precision + recall == 0) {
            return 0;
        }
        return 100 * (1 + factor) * precision * recall / (factor * precision + recall);
    }

    private int[] codePoints(String text) {
        return (includeWhitespace ? text : withoutWhitespace(text)).codePoints().toArray();
    }

    private static String withoutWhitespace(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        text.codePoints().filter(c -> !isPythonWhitespace(c)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    /** What Python's str.split() splits on, which sacreBLEU uses to remove whitespace. */
    static boolean isPythonWhitespace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    private static Map<String, Integer> ngrams(int[] codePoints, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= codePoints.length; i++) {
            counts.merge(new String(codePoints, i, n), 1, Integer::sum);
        }
        return counts;
    }
}
