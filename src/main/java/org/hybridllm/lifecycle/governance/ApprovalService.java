package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.run.RunQueries;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The governance policy, enforced here and not only in a page: only reviewers decide, never on a run they
 * started (four-eyes, names compared case-insensitively), a rejection says why, and a decision is final. Each
 * reviewer's decision is a vote (approval_vote); a gate is approved by the approvals of
 * {@link Approval#requiredApprovals()} distinct reviewers — one, or two for a run whose requester is unverified (started
 * through the engine, whose client names any requester it likes) — and rejected or sent back at once by any one of
 * them. An approval short of the required count is recorded as a partial approval and changes nothing in the
 * process. The deciding vote, the gate's decision, its audit event and the outbox message that tells the engine are
 * written in one transaction.
 */
@Service
public class ApprovalService {

    public static final String REVIEWER_ROLE = "REVIEWER";
    public static final String DECIDED_MESSAGE = "approval-decided";

    private final ApprovalRepository approvals;
    private final Outbox outbox;
    private final AuditLog audit;
    private final ObjectMapper json;

    private final RunQueries runs;

    public ApprovalService(ApprovalRepository approvals, Outbox outbox, AuditLog audit, ObjectMapper json,
                           RunQueries runs) {
        this.runs = runs;
        this.json = json;
        this.approvals = approvals;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** A reviewer as the policy sees them: their name and whether they hold the REVIEWER role. */
    public record Reviewer(String name, boolean hasReviewerRole) {
    }

    @Transactional
    public Approval decide(UUID approvalId, DecisionRequest request, Reviewer reviewer) {
        Approval approval = approvals.findForUpdate(approvalId)
                .orElseThrow(() -> ApiProblems.notFound("approval", approvalId));
        Approval.Status target = switch (request.decision()) {
            case APPROVE -> Approval.Status.APPROVED;
            case REJECT -> Approval.Status.REJECTED;
            case REQUEST_CHANGES -> Approval.Status.CHANGES_REQUESTED;
        };
        if (!reviewer.hasReviewerRole()) {
            throw ApiProblems.forbidden("not-a-reviewer", "Only users with the REVIEWER role can decide a gate.");
        }
        if (approval.requestedBy().equalsIgnoreCase(reviewer.name())) {
            throw ApiProblems.forbidden("four-eyes", "Four-eyes rule: " + reviewer.name()
                    + (approval.requesterVerified() ? " started this run" : " is named as the requester of this run "
                    + "(started through the engine, unverified)") + " and cannot decide its gates.");
        }
        Optional<DecisionRequest.Decision> own = approvals.voteOf(approvalId, reviewer.name());
        if (approval.status() != Approval.Status.PENDING) {
            boolean doubleSubmit = own.map(vote -> vote == request.decision())
                    .orElse(approval.status() == target && reviewer.name().equals(approval.decidedBy()));
            if (doubleSubmit) {
                return approval; // the first decision stands, nothing is recorded twice
            }
            throw ApiProblems.conflict("already-decided", "Approval " + approvalId + " was already decided ("
                    + approval.status() + " by " + approval.decidedBy() + "); a decision is final.");
        }
        if (own.isPresent()) {
            if (own.get() == request.decision()) {
                return approval; // a double submit of a partial approval: it counts once
            }
            throw ApiProblems.conflict("already-decided", reviewer.name() + " already decided " + own.get()
                    + " on approval " + approvalId + "; a decision is final. " + approval.reviewPolicy());
        }
        String comment = request.comment() == null ? null : request.comment().strip();
        if (target == Approval.Status.REJECTED && (comment == null || comment.isEmpty())) {
            throw ApiProblems.invalid("comment", "A rejection needs a comment saying why.");
        }
        if (target == Approval.Status.CHANGES_REQUESTED) {
            if (request.changeTarget() == null) {
                throw ApiProblems.invalid("changeTarget", "Say which stage must change: PROMPT or DATASET.");
            }
            if (comment == null || comment.isEmpty()) {
                throw ApiProblems.invalid("comment", "A change request needs a comment saying what to change.");
            }
        }
        String changeTarget = target == Approval.Status.CHANGES_REQUESTED ? request.changeTarget().name() : null;
        String evidenceSha256 = Sha256.of(approval.evidence());
        if (request.evidenceSha256() != null && !request.evidenceSha256().equals(evidenceSha256)) {
            throw ApiProblems.conflict("evidence-changed", "The evidence changed since it was shown to you; "
                    + "reload the review before deciding.");
        }
        if (target == Approval.Status.APPROVED) {
            List<String> unticked = ReviewChecklist.mandatory().stream()
                    .filter(item -> request.checklist().get(item) == null || !request.checklist().get(item).ticked())
                    .map(ReviewChecklist::title)
                    .toList();
            if (!unticked.isEmpty()) {
                throw ApiProblems.invalid("checklist", "To approve, every checklist item must be ticked; not ticked: "
                        + String.join(", ", unticked) + ".");
            }
            // erased since the gate passed it: a tainted candidate is never promoted (reject it, then retrain)
            if (approval.gateType().equals("MODEL_PROMOTION") && runs.candidateTainted(approval.runId())) {
                throw ApiProblems.conflict("candidate-tainted", "The candidate is TAINTED: it was trained on a "
                        + "dataset version that held rows erased since (right to erasure or retention), and cannot "
                        + "be promoted. Reject this review and retrain (POST /api/use-cases/{key}/retrain).");
            }
        }
        String checklistJson = Jsonb.write(json, request.checklist());
        approvals.insertVote(approvalId, reviewer.name(), request.decision(), comment, checklistJson, evidenceSha256,
                changeTarget);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("gateType", approval.gateType());
        details.put("decision", request.decision().name());
        details.put("comment", comment);
        details.put("checklist", request.checklist());
        details.put("evidenceSha256", evidenceSha256);
        details.put("changeTarget", changeTarget);
        details.put("requesterVerified", approval.requesterVerified());
        details.put("requiredApprovals", approval.requiredApprovals());
        int approvedSoFar = approval.approvedBy().size() + (target == Approval.Status.APPROVED ? 1 : 0);
        details.put("approvals", approvedSoFar);
        if (target == Approval.Status.APPROVED && approvedSoFar < approval.requiredApprovals()) {
            // a partial approval: recorded, audited, and the gate keeps waiting for another reviewer
            audit.record(reviewer.name(), "APPROVAL_PARTIALLY_APPROVED", "approval", approvalId, approval.runId(),
                    details);
            return approvals.find(approvalId).orElseThrow();
        }
        approvals.decide(approvalId, target, reviewer.name(), comment, checklistJson, evidenceSha256, changeTarget);
        audit.record(reviewer.name(), "APPROVAL_" + target.name(), "approval", approvalId, approval.runId(), details);
        // a signal only: the process takes the decision from Postgres (RecordGateDecisionWorker); gateDecision is
        // kept for the audit of a message that turns out to announce nothing recorded
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("gateDecision", request.decision().name());
        variables.put("gateDecidedBy", reviewer.name());
        outbox.enqueue(DECIDED_MESSAGE, approvalId.toString(), variables);
        return approvals.find(approvalId).orElseThrow();
    }
}
