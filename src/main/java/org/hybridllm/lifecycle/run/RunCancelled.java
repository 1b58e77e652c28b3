package org.hybridllm.lifecycle.run;

import java.util.UUID;

/**
 * Published inside the transaction that cancels a run, so the features that own a run's open work (pending
 * approvals, a fine-tuning job) close it in that same transaction.
 */
public record RunCancelled(UUID runId, String cancelledBy, String reason) {
}
