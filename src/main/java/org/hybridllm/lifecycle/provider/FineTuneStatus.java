package org.hybridllm.lifecycle.provider;

import java.util.Map;

/**
 * @param modelRef the tuned model's reference once SUCCEEDED (provider model id or weights URI)
 * @param metrics  training metrics, e.g. the loss curve
 */
public record FineTuneStatus(State state, Map<String, Object> metrics, String modelRef, String error) {

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    public boolean isFinished() {
        return state == State.SUCCEEDED || state == State.FAILED || state == State.CANCELLED;
    }
}
