package org.hybridllm.lifecycle.run;

/** How a run ended; each end event of the llm-lifecycle process names one. */
public enum RunOutcome {
    PROMOTED(RunStatus.COMPLETED),
    KEEP_PROMPTING(RunStatus.COMPLETED),
    CHAMPION_KEPT(RunStatus.COMPLETED),
    /**
     * The promotion gate could not tell the candidate from the champion on the test split: nothing promoted, the
     * run's reason says how many more examples would be needed.
     */
    INCONCLUSIVE(RunStatus.COMPLETED),
    /** The champion meets the target, or no feedback arrived since its dataset: nothing trained. */
    NOTHING_TO_DO(RunStatus.COMPLETED),
    /**
     * Approved, but the champion it was evaluated against was replaced meanwhile (another run promoted first):
     * not promoted, never a silent replacement; a new run compares it with the new champion.
     */
    CHAMPION_CHANGED(RunStatus.FAILED),
    REJECTED(RunStatus.REJECTED),
    DATASET_TOO_SMALL(RunStatus.FAILED),
    FINE_TUNE_FAILED(RunStatus.FAILED),
    /** A provider refused a call in a way retrying cannot fix (credentials, unknown model). */
    PROVIDER_FAILED(RunStatus.FAILED),
    /** Cancelled through the API; not an end event of the process (its instance is cancelled). */
    CANCELLED(RunStatus.CANCELLED);

    private final RunStatus status;

    RunOutcome(RunStatus status) {
        this.status = status;
    }

    public RunStatus status() {
        return status;
    }
}
