package org.hybridllm.lifecycle.scoring;

import java.util.Locale;

/**
 * The output means what the expected output (or a fixed {@code value}) means: the cosine of their sentence
 * embeddings is at least {@code threshold} (default 0.9). Value: the cosine.
 */
final class SimilarScorer extends BaseScorer {

    static final String TYPE = "similar";
    static final double DEFAULT_THRESHOLD = 0.9;

    private final TextEmbedder embedder;
    private final String fixedValue;
    private final double threshold;

    SimilarScorer(String name, TextEmbedder embedder, String fixedValue, double threshold) {
        super(name, TYPE);
        this.embedder = embedder;
        this.fixedValue = fixedValue;
        this.threshold = threshold;
    }

    static SimilarScorer from(ScorerParams params, TextEmbedder embedder) {
        params.allowOnly("threshold", "value");
        if (embedder == null) {
            throw params.invalid("type", "similar needs sentence embeddings, and none are configured");
        }
        return new SimilarScorer(params.name(), embedder, params.text("value").orElse(null),
                params.number("threshold", -1, 1).orElse(DEFAULT_THRESHOLD));
    }

    @Override
    public Verdict score(ScoredExample example) {
        String reference = fixedValue != null ? fixedValue : example.expected();
        if (reference == null) {
            return unmeasured("no reference output to compare with");
        }
        if (example.output().isBlank()) {
            return verdict(0, false, "output is empty");
        }
        double cosine;
        try {
            // the same text needs no model: response selection often returns the reference itself
            cosine = example.output().equals(reference) ? 1
                    : cosine(embedder.vector(example.output()), embedder.vector(reference));
        } catch (RuntimeException e) {
            return unmeasured("could not embed the texts: " + e.getMessage());
        }
        boolean passed = cosine >= threshold;
        return verdict(cosine, passed, String.format(Locale.ROOT, "cosine similarity %.3f %s %.2f to %s",
                cosine, passed ? "≥" : "<", threshold, quote(reference, 60)));
    }

    /** The cosine, normalising here too, so a vector that is not quite unit length cannot push it past 1. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }
}
