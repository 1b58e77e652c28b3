package org.hybridllm.lifecycle.stage;

import java.util.UUID;

/**
 * A stage's work in two parts: {@link #work} does the slow part (provider calls, training, reading files) with no
 * transaction and no connection held, and returns the {@link Recording} that writes its result; the recording runs
 * in the stage's short record transaction, and only if no other attempt recorded the stage first.
 */
@FunctionalInterface
public interface StageWork<T> {

    Recording<T> work(UUID runId) throws Exception;

    /** Writes the stage's rows and returns its output; runs inside the record transaction. */
    @FunctionalInterface
    interface Recording<T> {
        T record();
    }
}
