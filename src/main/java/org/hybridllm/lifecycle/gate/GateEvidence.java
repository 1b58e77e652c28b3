package org.hybridllm.lifecycle.gate;

import java.util.List;

/**
 * The gate's verdict with everything it rests on: process variable {@code gate}, gate_result.details and
 * {@code GET /api/runs/{id}} → {@code gate}. Differences are candidate − champion on the primary metric.
 *
 * @param set                      the set the verdict is taken on: {@code test-split}
 * @param test                     {@code mcnemar-exact} (pass/fail primary metric, {@code pValue} set) or
 *                                 {@code paired-bootstrap} (no p-value)
 * @param clusters                 how many resampling units the bootstrap drew (examples, or clusters of them)
 * @param minimumDetectableEffect  the smallest true difference the set detects at 80 % power, α 0.05 (null: none
 *                                 the models' disagreement allows)
 * @param additionalExamplesNeeded INCONCLUSIVE only: test examples beyond the current ones that the observed
 *                                 difference (or the minimum gain if larger) needs; null when no number would do
 * @param evalSet                  the same comparison on the curated evaluation set, secondary evidence (not used
 *                                 for the verdict); null when either side was not evaluated there
 */
public record GateEvidence(String verdict, String metric, String set, int examples, double champion,
                           double candidate, double difference, List<Double> ci, Double pValue, String test,
                           int resamples, int clusters, Double minimumDetectableEffect, double minimumGain,
                           boolean mdeExceedsMinimumGain, Integer additionalExamplesNeeded, EvalSet evalSet,
                           List<NonInferiority> nonInferiority, List<Slice> slices, boolean leakageFlagged,
                           List<String> reasons, List<String> warnings) {

    /** The comparison on the curated evaluation set. */
    public record EvalSet(int examples, double champion, double candidate, double difference, List<Double> ci) {
    }

    /**
     * A secondary metric that may not get worse by more than {@code margin} (in its own unit): {@code bound} is the
     * end of the 95 % CI of candidate − champion on the worse side (upper for cost and latency, lower for the
     * schema-valid rate).
     */
    public record NonInferiority(String metric, double champion, double candidate, double margin, double bound,
                                 boolean passed) {
    }

    /** One label, field or rubric criterion: its paired difference and CI; {@code regressed} blocks promotion. */
    public record Slice(String kind, String name, int examples, double champion, double candidate,
                        double difference, List<Double> ci, boolean regressed) {
    }

    GateEvidence decided(String decidedVerdict, Integer additional, List<String> decidedReasons) {
        return new GateEvidence(decidedVerdict, metric, set, examples, champion, candidate, difference, ci, pValue,
                test, resamples, clusters, minimumDetectableEffect, minimumGain, mdeExceedsMinimumGain, additional,
                evalSet, nonInferiority, slices, leakageFlagged, List.copyOf(decidedReasons), warnings);
    }
}
