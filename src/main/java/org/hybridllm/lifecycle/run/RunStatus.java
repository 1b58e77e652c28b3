package org.hybridllm.lifecycle.run;

/**
 * Where a lifecycle run stands, as recorded in Postgres (the system of record, not the engine). QUEUED: accepted
 * (a {@code run.start} webhook) and waiting for the dispatcher to create its process instance; RUNNING from then.
 */
public enum RunStatus {
    QUEUED, RUNNING, AWAITING_APPROVAL, AWAITING_CHANGES, COMPLETED, REJECTED, FAILED, INTERRUPTED, CANCELLED;

    public boolean isOpen() {
        return this == RUNNING || this == AWAITING_APPROVAL || this == AWAITING_CHANGES;
    }
}
