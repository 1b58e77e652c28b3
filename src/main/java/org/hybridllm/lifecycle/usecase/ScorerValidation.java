package org.hybridllm.lifecycle.usecase;

/** Checks the scorers a contract configures (owned here, implemented by the evaluation that runs them). */
public interface ScorerValidation {

    /** Refuses a scorer the contract cannot run, with the field named (e.g. {@code scorers[1].pattern}). */
    void validate(OutputContract contract);
}
