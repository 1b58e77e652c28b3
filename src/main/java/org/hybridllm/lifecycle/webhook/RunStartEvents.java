package org.hybridllm.lifecycle.webhook;

import java.util.UUID;

/**
 * {@code run.start}: what the module that owns runs does for a delivery the webhook has
 * accepted.
 */
public interface RunStartEvents {

    /**
     * Queues a run of the use case in the caller's transaction (the one that records the delivery and its answer),
     * without waiting for the engine: the run's process instance is created after the transaction commits. A
     * refusal (the use case gone meanwhile) is an {@link org.hybridllm.lifecycle.api.ApiException}.
     */
    QueuedRun queue(String useCaseKey, String actor);

    /** @param status the run's status name: {@code QUEUED} */
    record QueuedRun(UUID runId, String status) {
    }
}
