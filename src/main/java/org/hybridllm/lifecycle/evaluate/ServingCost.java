package org.hybridllm.lifecycle.evaluate;

/**
 * What one request to a model + prompt cost and how long it took, measured by an evaluation run: its calls' cost
 * per example (null when the provider did not price every call; {@code costUnknown} says why) and the 95th
 * percentile of the examples' latencies (nearest rank: a latency that was observed).
 */
public record ServingCost(long evalRunId, int examples, Double costPerRequestUsd, String costUnknown,
                          Double latencyP95Ms) {
}
