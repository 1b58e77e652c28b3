package org.hybridllm.lifecycle.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.math.BigDecimal;

/**
 * GET /api/runs/{id}: a run with its stages, approvals, metrics and artifacts. {@code requesterVerified} is false for
 * a run started through the engine: {@code startedBy} is then only what its client claimed. {@code failureReason}
 * also says why an INCONCLUSIVE run could not decide. {@code gate}: the promotion gate's latest verdict with its
 * statistics (gate_result.details; null before the gate stage).  * {@code breakEven}: when
 * the candidate's training pays back, as the evaluate stage computed it (null before that stage); its unknown
 * values are written as nulls, their reasons in {@code breakEven.unknown}. {@code drift}: the drift evidence the
 * run was started with (the monitor's tripped check, or a drift.alert webhook's data); null for other runs.
 */
public record RunView(UUID id, String useCase, RunStatus status, String outcome, String failureReason,
                      String startedBy, boolean requesterVerified, int attempt, Long processInstanceKey, OffsetDateTime createdAt,
                      OffsetDateTime finishedAt, List<Stage> stages, List<ApprovalSummary> pendingApprovals,
                      List<ApprovalSummary> approvals, RunMetrics metrics, List<Evaluation> evaluations,
                      Decision decision,
                      List<ArtifactSummary> artifacts, Serving serving, Map<String, Object> leakage,
                      Map<String, Object> gate,
                      @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, Object> breakEven,
                      Taint taint, Map<String, Object> drift) {

    /**
     * Right to erasure: whether the run's dataset, the candidate it trained and the use case's current champion
     * are TAINTED (built from rows erased since). A tainted candidate is not promoted; a tainted champion is
     * retrained with {@code POST /api/use-cases/{key}/retrain}. Ids are null where the run has none.
     */
    public record Taint(Long datasetVersionId, boolean datasetTainted, Long candidateModelVersionId,
                        boolean candidateTainted, Long championModelVersionId, boolean championTainted) {
    }

    public record Stage(String stage, OffsetDateTime startedAt, OffsetDateTime completedAt, long durationMs) {
    }

    /** @param approvedBy the reviewers who approved so far; the gate is approved at {@code requiredApprovals} */
    public record ApprovalSummary(UUID id, String gateType, String status, String requestedBy, String decidedBy,
                                  OffsetDateTime decidedAt, String comment, OffsetDateTime createdAt,
                                  int requiredApprovals, List<String> approvedBy) {
    }

    /**
     * One evaluation run: its primary metric (accuracy, strict record match, rubric pass rate or reference
     * match), classification's accuracy and macro-F1 (null for the other kinds), the scorer summaries and
     * per-field table ({@code scores}), and what its calls cost (null cost: not priced).
     */
    public record Metrics(long evalRunId, String evalSet, long modelVersionId, long promptVersionId, int examples,
                          String primaryMetric, double primary, Double accuracy, Double macroF1, long promptTokens,
                          long completionTokens, BigDecimal costUsd, Map<String, Object> scores) {
    }

    /**
     * One role's evaluation on one set ({@code eval-set}: the curated evaluation set; {@code test-split}: the
     * dataset's held-out split): the primary metric with its 95 % bootstrap interval. Every role is evaluated on
     * both sets, on the same examples, so comparisons are paired.
     */
    public record Evaluation(String set, String role, String primaryMetric, double primary, List<Double> ci,
                             int examples, long evalRunId, long modelVersionId, long promptVersionId) {
    }

    /** The primary metric of the task kind, side by side: the baseline, the champion and the candidate. */
    public record Primary(String name, Double baseline, Double champion, Double candidate) {
    }

    /** The run's evaluations: the best prompt iteration (baseline), the champion and the candidate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunMetrics(Primary primary, Metrics baseline, Metrics champion, Metrics candidate) {
    }

    /**
     * The production traffic the gateway served with the model this run trained: calls, tokens, cost, and the
     * prompt tokens its short prompt saved against the prototype prompt (in total and per call); null when the
     * run trained no model.
     */
    public record Serving(long modelVersionId, long calls, long promptTokens, long completionTokens,
                          BigDecimal costUsd, long savedPromptTokens, Double savedPromptTokensPerCall) {
    }

    public record Decision(String decision, String rationale) {
    }

    public record ArtifactSummary(long id, String kind, String uri, String sha256, long bytes, List<Long> parents) {
    }
}
