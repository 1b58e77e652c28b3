package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A gate of a run and its review.
 *
 * @param requesterVerified  false when the run was started through the engine: {@code requestedBy} is then only the
 *                           name its client claimed
 * @param requiredApprovals  distinct reviewers, none of them the requester, whose approvals decide the gate (1, or 2
 *                           for an unverified requester); a rejection or a change request by any of them decides it
 * @param approvedBy         the reviewers who approved so far, in order
 * @param evidenceSha256     the sha256 of {@code evidence}: while the gate is open, the hash a decision sends back
 *                           (a decision with another hash is refused); once decided, the hash the decision was
 *                           taken on
 */
public record Approval(UUID id, UUID runId, String gateType, Status status, String requestedBy,
                       @JsonRawValue String evidence,
                       String decidedBy, OffsetDateTime decidedAt, String comment, OffsetDateTime createdAt,
                       @JsonRawValue String checklist, String evidenceSha256, OffsetDateTime escalatedAt,
                       String changeTarget, boolean requesterVerified, int requiredApprovals,
                       List<String> approvedBy) {

    public enum Status { PENDING, APPROVED, REJECTED, CHANGES_REQUESTED, CANCELLED }

    public Approval {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
    }

    /** The decision as the process sees it (approvalDecision). */
    public String decision() {
        return switch (status) {
            case APPROVED -> "APPROVE";
            case REJECTED -> "REJECT";
            case CHANGES_REQUESTED -> "REQUEST_CHANGES";
            case PENDING, CANCELLED -> null;
        };
    }

    /** What the gate needs, and how far it has got, in a sentence for the review page and the API. */
    @JsonProperty("reviewPolicy")
    public String reviewPolicy() {
        String progress = approvedBy.size() + " of " + requiredApprovals + " approved"
                + (approvedBy.isEmpty() ? "" : " (" + String.join(", ", approvedBy) + ")");
        String reviewers = requiredApprovals == 1 ? "1 reviewer other than '" + requestedBy + "'"
                : requiredApprovals + " distinct reviewers, " + (requiredApprovals == 2 ? "neither" : "none")
                + " of them '" + requestedBy + "',";
        if (!requesterVerified) {
            // a gate decided before V12 has an unverified requester and still one required approval
            return "Requester unverified: started through the engine as '" + requestedBy + "'; needs " + reviewers
                    + " to approve; " + progress + ".";
        }
        return "Needs " + reviewers + " to approve (four-eyes); " + progress + ".";
    }
}
