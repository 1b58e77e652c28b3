package org.hybridllm.lifecycle.governance;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A gate left undecided past lifecycle.governance.escalate-after (non-interrupting timer on the wait): reminds the
 * reviewers and escalates the review to ADMIN. The review stays open; idempotent (escalated once).
 */
@Component
public class EscalateReviewWorker {

    private static final Logger log = LoggerFactory.getLogger(EscalateReviewWorker.class);
    public static final String ESCALATED_TO = "ADMIN";

    private final ApprovalRepository approvals;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    public EscalateReviewWorker(ApprovalRepository approvals, AuditLog audit, TransactionTemplate transaction) {
        this.approvals = approvals;
        this.audit = audit;
        this.transaction = transaction;
    }

    @JobWorker(type = "lifecycle.governance.escalate", fetchVariables = "approvalId")
    public void escalate(@Variable("approvalId") String approvalId) {
        transaction.executeWithoutResult(status -> {
            Approval approval = approvals.findForUpdate(UUID.fromString(approvalId)).orElseThrow();
            if (approval.status() != Approval.Status.PENDING || approval.escalatedAt() != null) {
                return;
            }
            approvals.markEscalated(approval.id());
            audit.record(AuditLog.SYSTEM, "REVIEW_ESCALATED", "approval", approvalId, approval.runId(),
                    Map.of("escalatedTo", ESCALATED_TO, "gateType", approval.gateType(), "requestedBy",
                            approval.requestedBy()));
            log.warn("Review {} of run {} is overdue: reminder sent, escalated to {}", approvalId, approval.runId(),
                    ESCALATED_TO);
        });
    }
}
