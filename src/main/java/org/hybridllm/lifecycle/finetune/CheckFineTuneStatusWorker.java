package org.hybridllm.lifecycle.finetune;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.Variable;
import java.util.Map;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.tracking.AuditLog;
import org.springframework.stereotype.Component;

/**
 * Stage "fine-tune", step 2, polled from a timer loop in BPMN (no worker thread waits on the trainer): asks the
 * fine-tuner for the job's state and records it. Naturally idempotent, so it is not a once-per-run stage.
 */
@Component
public class CheckFineTuneStatusWorker {

    public record FineTuneChecked(String fineTuneState, String failureReason) {
    }

    private final FineTuneJobRepository jobs;
    private final ProviderRegistry providers;
    private final AuditLog audit;

    public CheckFineTuneStatusWorker(FineTuneJobRepository jobs, ProviderRegistry providers, AuditLog audit) {
        this.jobs = jobs;
        this.providers = providers;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.finetune.check-status", fetchVariables = "fineTuneJobId")
    public FineTuneChecked check(@Variable("fineTuneJobId") long fineTuneJobId) {
        FineTuneJob job = jobs.get(fineTuneJobId);
        if (job.status() == FineTuneStatus.State.SUCCEEDED || job.status() == FineTuneStatus.State.FAILED
                || job.status() == FineTuneStatus.State.CANCELLED) {
            return new FineTuneChecked(job.status().name(), job.error());
        }
        FineTuneStatus status = providers.fineTuner(job.provider()).status(job.externalId());
        jobs.update(job.id(), status);
        if (status.isFinished()) {
            audit.record(AuditLog.SYSTEM, "FINE_TUNE_" + status.state().name(), "fine_tune_job", job.id(),
                    job.runId(), status.error() == null ? Map.of() : Map.of("error", status.error()));
        }
        String reason = status.error() == null ? null : "Fine-tuning failed: " + status.error();
        return new FineTuneChecked(status.state().name(), reason);
    }
}
