package org.hybridllm.lifecycle.tracking;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** GET /api/runs/{id}: a run with its stages, approvals, metrics and artifacts. */
public record RunView(UUID id, String useCase, RunStatus status, String outcome, String failureReason,
                      String startedBy, int attempt, Long processInstanceKey, OffsetDateTime createdAt,
                      OffsetDateTime finishedAt, List<Stage> stages, List<ApprovalSummary> pendingApprovals,
                      List<ApprovalSummary> approvals, Map<String, Metrics> metrics, Decision decision,
                      List<ArtifactSummary> artifacts) {

    public record Stage(String stage, OffsetDateTime startedAt, OffsetDateTime completedAt, long durationMs) {
    }

    public record ApprovalSummary(UUID id, String gateType, String status, String requestedBy, String decidedBy,
                                  OffsetDateTime decidedAt, String comment, OffsetDateTime createdAt) {
    }

    /** accuracy and macro-F1 of one evaluation run. */
    public record Metrics(long evalRunId, String evalSet, long modelVersionId, long promptVersionId, int examples,
                          double accuracy, double macroF1) {
    }

    public record Decision(String decision, String rationale) {
    }

    public record ArtifactSummary(long id, String kind, String uri, String sha256, long bytes, List<Long> parents) {
    }
}
