package org.hybridllm.lifecycle.run;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A run as recorded in Postgres.
 *
 * @param startedBy         who asked for the run: the authenticated user (API, console), the webhook's named user,
 *                          or, for a run started through the engine, whatever name the client put in startedBy
 * @param requesterVerified false for a run started through the engine (Modeler, Tasklist, any gRPC client): its
 *                          startedBy is a claim nobody checked, so its gates need two reviewers (ApprovalService)
 */
public record LifecycleRun(UUID id,
                           long useCaseId,
                           String useCaseKey,
                           RunStatus status,
                           String outcome,
                           String failureReason,
                           Long processInstanceKey,
                           String startedBy,
                           boolean requesterVerified,
                           int attempt,
                           int revision,
                           OffsetDateTime createdAt,
                           OffsetDateTime updatedAt,
                           OffsetDateTime finishedAt) {
}
