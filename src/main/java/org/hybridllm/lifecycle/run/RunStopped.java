package org.hybridllm.lifecycle.run;

import java.util.UUID;

/**
 * A run stopped being open: finished (any outcome), cancelled or interrupted. Published in the transaction that
 * changed its status, so listeners' effects commit or roll back with it.
 */
public record RunStopped(UUID runId, RunStatus status) {
}
