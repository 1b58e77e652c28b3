package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * @param modelRef    the tuned model's reference once SUCCEEDED (provider model id or weights URI)
 * @param metrics     training metrics, e.g. the loss curve
 * @param servedModel the name the use case's provider serves the tuned model under, when that is not
 *                    {@code modelRef} (a LoRA adapter directory served by vLLM under a name); null otherwise
 * @param trainingCost what the training cost, once finished (null while it runs, and in status files written
 *                     before costs were recorded)
 */
public record FineTuneStatus(State state, Map<String, Object> metrics, String modelRef, String error,
                             String servedModel, TrainingCost trainingCost) {

    public enum State {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        public boolean isFinished() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }

    public FineTuneStatus(State state, Map<String, Object> metrics, String modelRef, String error) {
        this(state, metrics, modelRef, error, null, null);
    }

    public FineTuneStatus(State state, Map<String, Object> metrics, String modelRef, String error,
                          String servedModel) {
        this(state, metrics, modelRef, error, servedModel, null);
    }

    /** The same status with what its training cost. */
    public FineTuneStatus withTrainingCost(TrainingCost cost) {
        return new FineTuneStatus(state, metrics, modelRef, error, servedModel, cost);
    }

    @JsonIgnore // derived, not a property of the stored status
    public boolean isFinished() {
        return state.isFinished();
    }
}
