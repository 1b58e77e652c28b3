package org.hybridllm.lifecycle.monitor;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One drift check as recorded: its window (interactions logged after {@code windowStart} up to {@code windowEnd}),
 * the rows it read, every signal, and the run it started ({@code runStarted} true) or found open (false).
 *
 * @param source     MONITOR (the monitor process) or WEBHOOK (a drift.alert)
 * @param evaluated  false: too few calls in the window; the next check covers them too
 */
public record DriftCheck(long id, String source, Long modelVersionId, OffsetDateTime windowStart,
                         OffsetDateTime windowEnd, long interactions, int sampled, boolean evaluated, boolean tripped,
                         List<Signal> signals, Integer durationMs, UUID runId, Boolean runStarted,
                         OffsetDateTime createdAt) {
}
