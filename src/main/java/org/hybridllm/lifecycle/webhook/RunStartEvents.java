package org.hybridllm.lifecycle.webhook;

import java.util.UUID;

/**
 * {@code run.start} and {@code drift.alert}: what the module that owns runs does for a delivery the webhook has
 * accepted and recorded.
 */
public interface RunStartEvents {

    /**
     * Starts a run of the use case. A refusal (the use case gone meanwhile, the engine not answering) is an
     * {@link org.hybridllm.lifecycle.api.ApiException}; the webhook records it as the delivery's answer.
     */
    StartedRun start(String useCaseKey, String actor);

    /** @param status the run's status name, e.g. {@code RUNNING} */
    record StartedRun(UUID runId, String status) {
    }
}
