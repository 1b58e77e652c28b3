package org.hybridllm.lifecycle.provider;

/** Port: trains a model on a dataset version and reports on the job. */
public interface FineTuner {

    String name();

    /** Starts (or, for the same job name, finds) a job and returns its external id. */
    String submit(FineTuneRequest request);

    FineTuneStatus status(String externalId);

    /** Stops a job that has not finished (the run was cancelled); a finished or unknown job is left alone. */
    default void cancel(String externalId) {
    }
}
