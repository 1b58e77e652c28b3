package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.OffsetDateTime;
import java.util.UUID;

public record Approval(UUID id, UUID runId, String gateType, Status status, String requestedBy,
                       @JsonRawValue String evidence,
                       String decidedBy, OffsetDateTime decidedAt, String comment, OffsetDateTime createdAt,
                       @JsonRawValue String checklist, String evidenceSha256, OffsetDateTime escalatedAt,
                       String changeTarget) {

    public enum Status { PENDING, APPROVED, REJECTED, CHANGES_REQUESTED, CANCELLED }

    /** The decision as the process sees it (approvalDecision). */
    public String decision() {
        return switch (status) {
            case APPROVED -> "APPROVE";
            case REJECTED -> "REJECT";
            case CHANGES_REQUESTED -> "REQUEST_CHANGES";
            case PENDING, CANCELLED -> null;
        };
    }
}
