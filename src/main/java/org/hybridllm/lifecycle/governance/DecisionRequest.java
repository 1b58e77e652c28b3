package org.hybridllm.lifecycle.governance;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A reviewer's decision on a gate: {@code {"decision": "APPROVE" | "REJECT", "comment": "..."}}. */
public record DecisionRequest(@NotNull Decision decision, @Size(max = 4000) String comment) {

    public enum Decision { APPROVE, REJECT }
}
