package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * A reviewer's decision on a gate.
 *
 * @param checklist      per {@link ReviewChecklist} item: ticked, with an optional note; all ticked to approve
 * @param evidenceSha256 the hash of the evidence the reviewer saw (optional); refused if the evidence changed since
 */
public record DecisionRequest(@NotNull Decision decision, @Size(max = 4000) String comment,
                              Map<ReviewChecklist, @Valid ChecklistEntry> checklist, String evidenceSha256,
                              ChangeTarget changeTarget) {

    public enum Decision { APPROVE, REJECT, REQUEST_CHANGES }

    /** The stage a REQUEST_CHANGES decision sends the run back to. */
    public enum ChangeTarget { PROMPT, DATASET }

    /** {@code ticked} is a JSON boolean, strictly: {@code "true"} or {@code 1} is refused, not counted as ticked. */
    public record ChecklistEntry(@JsonDeserialize(using = StrictBooleanDeserializer.class) boolean ticked,
                                 @Size(max = 1000) String note) {
    }

    public DecisionRequest {
        checklist = checklist == null ? Map.of() : Map.copyOf(checklist);
    }

    public DecisionRequest(Decision decision, String comment, Map<ReviewChecklist, ChecklistEntry> checklist,
                           String evidenceSha256) {
        this(decision, comment, checklist, evidenceSha256, null);
    }

    public DecisionRequest(Decision decision, String comment) {
        this(decision, comment, Map.of(), null, null);
    }
}
