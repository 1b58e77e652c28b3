package org.hybridllm.lifecycle.monitor;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lifecycle.monitor}: how often a use case is checked (unless it sets its own interval), how much a check
 * reads, and the thresholds of the signals (README, "Monitoring").
 *
 * @param enabled             false: no monitor process is started for any use case
 * @param interval            time between two checks of a use case (ISO-8601), unless the use case sets its own
 * @param referenceWindow     traffic before the check's window that quality, latency and cost are compared with
 * @param minInteractions     a window with fewer calls is not evaluated: the next check covers it too
 * @param sampleSize          calls read (a random sample) for the sampled signals of one window
 * @param embeddingSample     inputs embedded per side for input drift
 * @param feedbackSample      feedback rows with an ideal output scored per window
 * @param permutations        relabellings of the MMD permutation test
 * @param seed                seed of the permutation test
 * @param alpha               significance level of the MMD and chi-square tests
 * @param minimumFeedback     fewer ratings (or feedback rows) than this on either side: the rate is not judged
 * @param rateMargin          a rating/correction rate trips when its Wilson lower bound exceeds reference + this
 * @param scorerMargin        a scorer's pass rate trips when its Wilson upper bound is below reference − this
 * @param inputDistance       centroid cosine distance from which input drift is large enough to act on
 * @param psi                 PSI from which a distribution (labels, lengths) has shifted
 * @param schemaFailureMargin the schema-failure rate trips when its Wilson lower bound exceeds reference + this
 * @param nullRateMargin      a field's null rate trips when its Wilson interval lies wholly beyond reference ± this
 * @param latencyMargin       latency p95 trips above reference × (1 + this) + {@code latencySlackMs}
 * @param latencySlackMs      absolute slack of the latency threshold (timing jitter of a shared CPU)
 * @param costMargin          cost per call trips above reference × (1 + this) + {@code costSlackUsd}
 * @param costSlackUsd        absolute slack of the cost threshold
 */
@ConfigurationProperties("lifecycle.monitor")
public record MonitorProperties(@DefaultValue("true") boolean enabled,
                                @DefaultValue("PT1H") Duration interval,
                                @DefaultValue("P30D") Duration referenceWindow,
                                @DefaultValue("100") int minInteractions,
                                @DefaultValue("2000") int sampleSize,
                                @DefaultValue("200") int embeddingSample,
                                @DefaultValue("200") int feedbackSample,
                                @DefaultValue("200") int permutations,
                                @DefaultValue("19") long seed,
                                @DefaultValue("0.01") double alpha,
                                @DefaultValue("20") int minimumFeedback,
                                @DefaultValue("0.10") double rateMargin,
                                @DefaultValue("0.10") double scorerMargin,
                                @DefaultValue("0.05") double inputDistance,
                                @DefaultValue("0.25") double psi,
                                @DefaultValue("0.05") double schemaFailureMargin,
                                @DefaultValue("0.20") double nullRateMargin,
                                @DefaultValue("1.0") double latencyMargin,
                                @DefaultValue("250") double latencySlackMs,
                                @DefaultValue("1.0") double costMargin,
                                @DefaultValue("0.00001") double costSlackUsd) {
}
