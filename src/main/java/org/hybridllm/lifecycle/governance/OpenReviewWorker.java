package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import io.camunda.client.annotation.VariablesAsType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stage "governance", step 1: opens a review (an approval row with the evidence a reviewer decides on) and puts the
 * run in AWAITING_APPROVAL. Idempotent on the approval itself: a retried job, or a resumed run, finds the gate's
 * open review (and waits for it) or its decision (and goes on without waiting). The gate's policy is fixed here: a
 * run whose requester is unverified (started through the engine) needs two distinct reviewers' approvals.
 */
@Component
public class OpenReviewWorker {

    static final String DEFAULT_GATE = "MODEL_PROMOTION";
    static final int VERIFIED_REQUESTER_APPROVALS = 1;
    static final int UNVERIFIED_REQUESTER_APPROVALS = 2;

    /**
     * The process variables a reviewer decides on, as the earlier stages output them; absent ones are left out.
     * {@code gate} (the gate stage's verdict with its statistics), {@code breakEven} (the evaluate stage's cost and
     * break-even) and {@code leakage} (the dataset stage's near-duplicate check) are kept as the stages wrote them.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(String useCaseKey, String primaryMetric, Double baselineAccuracy, Double baselineMacroF1,
                           Double targetAccuracy,
                           String fineTuneDecision, String decisionRationale, Long datasetVersionId,
                           Integer datasetVersion, String datasetSha256, Integer trainRows, Integer validationRows,
                           Integer testRows, Integer duplicatesRemoved, Integer piiItemsScrubbed,
                           Integer invalidExcluded, Integer preferencePairs,
                           Long candidateModelVersionId, String candidateModelName, Double championAccuracy,
                           Double championMacroF1, Double candidateAccuracy, Double candidateMacroF1,
                           Double championPromptTokensPerCall, Double candidatePromptTokensPerCall,
                           Integer testExamples, Long championEvalRunId, Long candidateEvalRunId,
                           Map<String, Object> gate, Map<String, Object> breakEven, Map<String, Object> leakage) {
    }

    public record ReviewOpened(String approvalId, boolean alreadyDecided, String approvalDecision) {
    }

    private final RunRepository runs;
    private final ApprovalRepository approvals;
    private final TransactionTemplate transaction;
    private final AuditLog audit;
    private final ObjectMapper json;

    public OpenReviewWorker(RunRepository runs, ApprovalRepository approvals, TransactionTemplate transaction,
                            AuditLog audit, ObjectMapper json) {
        this.runs = runs;
        this.approvals = approvals;
        this.transaction = transaction;
        this.audit = audit;
        this.json = json;
    }

    @JobWorker(type = "lifecycle.governance.open-review")
    public ReviewOpened open(@Variable("runId") String runId, @Variable("gateType") String gateType,
                             @VariablesAsType Evidence evidence) {
        UUID id = StageExecutor.runId(runId);
        String gate = gateType == null || gateType.isBlank() ? DEFAULT_GATE : gateType;
        return transaction.execute(status -> open(id, gate, evidence));
    }

    ReviewOpened open(UUID runId, String gateType, Evidence evidence) {
        LifecycleRun run = runs.findForUpdate(runId).orElseThrow();
        // a review whose changes were requested is closed: the new revision gets a review of its own
        Optional<Approval> existing = approvals.latestFor(runId, gateType)
                .filter(a -> a.status() != Approval.Status.CHANGES_REQUESTED);
        if (existing.isPresent()) {
            Approval approval = existing.get();
            if (approval.status() == Approval.Status.PENDING) {
                runs.updateStatus(runId, RunStatus.AWAITING_APPROVAL);
                return new ReviewOpened(approval.id().toString(), false, null);
            }
            return new ReviewOpened(approval.id().toString(), true, approval.decision());
        }
        int requiredApprovals = run.requesterVerified() ? VERIFIED_REQUESTER_APPROVALS : UNVERIFIED_REQUESTER_APPROVALS;
        UUID approvalId = UUID.randomUUID();
        approvals.insert(approvalId, runId, gateType, run.startedBy(), Jsonb.write(json, evidence),
                run.requesterVerified(), requiredApprovals);
        runs.updateStatus(runId, RunStatus.AWAITING_APPROVAL);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("gateType", gateType);
        details.put("requestedBy", run.startedBy());
        details.put("requesterVerified", run.requesterVerified());
        details.put("requiredApprovals", requiredApprovals);
        audit.record(AuditLog.SYSTEM, "REVIEW_OPENED", "approval", approvalId, runId, details);
        return new ReviewOpened(approvalId.toString(), false, null);
    }
}
