package org.hybridllm.lifecycle.run;

/** Where a lifecycle run stands, as recorded in Postgres (the system of record, not the engine). */
public enum RunStatus {
    RUNNING, AWAITING_APPROVAL, AWAITING_CHANGES, COMPLETED, REJECTED, FAILED, INTERRUPTED, CANCELLED;

    public boolean isOpen() {
        return this == RUNNING || this == AWAITING_APPROVAL || this == AWAITING_CHANGES;
    }
}
