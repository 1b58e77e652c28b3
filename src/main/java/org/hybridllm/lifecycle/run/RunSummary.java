package org.hybridllm.lifecycle.run;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A run as listed by GET /api/runs; GET /api/runs/{id} has the full view. */
public record RunSummary(UUID id, String useCase, RunStatus status, String outcome, String failureReason,
                         String startedBy, boolean requesterVerified, int attempt, int revision, OffsetDateTime createdAt,
                         OffsetDateTime finishedAt) {

    static RunSummary of(LifecycleRun run) {
        return new RunSummary(run.id(), run.useCaseKey(), run.status(), run.outcome(), run.failureReason(),
                run.startedBy(), run.requesterVerified(), run.attempt(), run.revision(), run.createdAt(), run.finishedAt());
    }
}
