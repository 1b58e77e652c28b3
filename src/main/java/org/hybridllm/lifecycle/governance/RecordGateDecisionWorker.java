package org.hybridllm.lifecycle.governance;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stage "governance", step 2: after the decision message, takes the decision from Postgres (the system of record,
 * not the message) and moves the run out of AWAITING_APPROVAL.
 */
@Component
public class RecordGateDecisionWorker {

    public record GateDecided(String approvalDecision, String approvalDecidedBy, String approvalComment,
                              String changeTarget) {
    }

    private final ApprovalRepository approvals;
    private final RunRepository runs;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    public RecordGateDecisionWorker(ApprovalRepository approvals, RunRepository runs, AuditLog audit,
                                    TransactionTemplate transaction) {
        this.approvals = approvals;
        this.runs = runs;
        this.audit = audit;
        this.transaction = transaction;
    }

    @JobWorker(type = "lifecycle.governance.record-decision", fetchVariables = "approvalId")
    public GateDecided record(@Variable("approvalId") String approvalId) {
        return transaction.execute(status -> recordDecision(approvalId));
    }

    GateDecided recordDecision(String approvalId) {
        Approval approval = approvals.find(UUID.fromString(approvalId))
                .orElseThrow(() -> new IllegalStateException("approval " + approvalId + " does not exist"));
        if (approval.status() == Approval.Status.PENDING) {
            throw new IllegalStateException("approval " + approvalId + " has no decision yet");
        }
        runs.updateStatus(approval.runId(), approval.status() == Approval.Status.CHANGES_REQUESTED
                ? RunStatus.AWAITING_CHANGES : RunStatus.RUNNING);
        audit.record(AuditLog.SYSTEM, "GATE_" + approval.status().name(), "approval", approvalId, approval.runId(),
                Map.of("gateType", approval.gateType(), "decidedBy", approval.decidedBy()));
        return new GateDecided(approval.decision(), approval.decidedBy(), approval.comment(),
                approval.changeTarget());
    }
}
