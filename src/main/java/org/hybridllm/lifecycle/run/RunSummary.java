package org.hybridllm.lifecycle.run;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A run as listed by GET /api/runs; GET /api/runs/{id} has the full view. */
public record RunSummary(UUID id, String useCase, RunStatus status, String outcome, String failureReason,
                         String startedBy, int attempt, int revision, OffsetDateTime createdAt,
                         OffsetDateTime finishedAt) {

    static RunSummary of(LifecycleRun run) {
        return new RunSummary(run.id(), run.useCaseKey(), run.status(), run.outcome(), run.failureReason(),
                run.startedBy(), run.attempt(), run.revision(), run.createdAt(), run.finishedAt());
    }
}
