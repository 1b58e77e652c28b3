package org.hybridllm.lifecycle.scoring;

/** The model answered within {@code maxMs} milliseconds. Value: the latency in milliseconds. */
final class LatencyScorer extends BaseScorer {

    static final String TYPE = "latency";

    private final double maxMs;

    LatencyScorer(String name, double maxMs) {
        super(name, TYPE);
        this.maxMs = maxMs;
    }

    static LatencyScorer from(ScorerParams params) {
        params.allowOnly("maxMs");
        return new LatencyScorer(params.name(), params.requiredNumber("maxMs", 0, Double.MAX_VALUE));
    }

    @Override
    public Verdict score(ScoredExample example) {
        double latency = example.latencyMs();
        boolean within = latency <= maxMs;
        return verdict(latency, within, format(latency) + " ms, " + (within ? "within" : "over")
                + " the limit of " + format(maxMs) + " ms");
    }
}
