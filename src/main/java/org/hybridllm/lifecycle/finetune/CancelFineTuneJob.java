package org.hybridllm.lifecycle.finetune;

import java.util.Map;
import org.hybridllm.lifecycle.tracking.AuditLog;
import org.hybridllm.lifecycle.tracking.RunCancelled;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** A cancelled run's unfinished fine-tuning job is recorded as CANCELLED in the cancelling transaction. */
@Component
class CancelFineTuneJob {

    private final FineTuneJobRepository jobs;
    private final AuditLog audit;

    CancelFineTuneJob(FineTuneJobRepository jobs, AuditLog audit) {
        this.jobs = jobs;
        this.audit = audit;
    }

    @EventListener
    void on(RunCancelled event) {
        for (FineTuneJob job : jobs.cancelOpen(event.runId(), event.reason())) {
            audit.record(event.cancelledBy(), "FINE_TUNE_CANCELLED", "fine_tune_job", job.id(), event.runId(),
                    Map.of("provider", job.provider(), "externalId", String.valueOf(job.externalId())));
        }
    }
}
