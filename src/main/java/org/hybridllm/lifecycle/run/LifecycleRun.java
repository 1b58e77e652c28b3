package org.hybridllm.lifecycle.run;

import java.time.OffsetDateTime;
import java.util.UUID;

public record LifecycleRun(UUID id,
                           long useCaseId,
                           String useCaseKey,
                           RunStatus status,
                           String outcome,
                           String failureReason,
                           Long processInstanceKey,
                           String startedBy,
                           int attempt,
                           int revision,
                           OffsetDateTime createdAt,
                           OffsetDateTime updatedAt,
                           OffsetDateTime finishedAt) {
}
