package org.hybridllm.lifecycle.gate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The promotion gate's settings ({@code lifecycle.gate.*}; defaults in application.yaml, README "The promotion
 * gate"). The verdict rules themselves are the DMN table bpmn/decisions/promotion-gate.dmn.
 *
 * @param alpha                the level of the tests and 1 − the confidence of the intervals' use (0.05)
 * @param power                the power the minimum detectable effect is computed for (0.8)
 * @param resamples            bootstrap resamples, at least 10,000
 * @param seed                 the bootstrap's seed: the same results always give the same intervals
 * @param sliceMargin          a slice whose difference CI lies wholly below −sliceMargin blocks promotion
 * @param sliceMinimumExamples slices with fewer examples are shown but never block (their intervals mean little)
 * @param costMargin           cost per call may grow by this share of the champion's ...
 * @param costSlackUsd         ... plus this many dollars: a local call is priced by its latency, so its cost
 *                             jitters as latency does (5e-6: about 360 ms of compute at the default $0.05/hour)
 * @param latencyMargin        latency p95 may grow by this share of the champion's ...
 * @param latencySlackMs       ... plus this many milliseconds
 * @param schemaValidMargin    the schema-valid rate may drop by this much (absolute)
 */
@ConfigurationProperties("lifecycle.gate")
public record GateProperties(@DefaultValue("0.05") double alpha, @DefaultValue("0.8") double power,
                             @DefaultValue("10000") int resamples, @DefaultValue("20261217") long seed,
                             @DefaultValue("0.05") double sliceMargin, @DefaultValue("5") int sliceMinimumExamples,
                             @DefaultValue("0.10") double costMargin, @DefaultValue("0.000005") double costSlackUsd,
                             @DefaultValue("0.5") double latencyMargin,
                             @DefaultValue("250") double latencySlackMs,
                             @DefaultValue("0.02") double schemaValidMargin) {
}
