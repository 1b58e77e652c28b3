package org.hybridllm.lifecycle.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * {@code drift.alert}: what the monitor module does for a delivery the webhook has accepted — the same as for its
 * own tripped check: the alert recorded as a drift check, and a run started with it as evidence unless the use
 * case has an open run.
 */
public interface DriftAlertEvents {

    /**
     * In the caller's transaction (the one that records the delivery and its answer). A refusal (the use case
     * gone meanwhile) is an {@link org.hybridllm.lifecycle.api.ApiException}.
     *
     * @param data the event's {@code data}, kept as the evidence
     */
    AlertedRun alert(String useCaseKey, JsonNode data, String actor);

    /**
     * @param runStarted false: the use case had an open run, {@code runId} is that one, nothing was started
     * @param status     the run's status name
     */
    record AlertedRun(UUID runId, String status, boolean runStarted, long driftCheckId) {
    }
}
