package org.hybridllm.lifecycle.finetune;

import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunCancelled;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;

/**
 * A cancelled run's unfinished fine-tuning job is recorded as CANCELLED in the cancelling transaction; once that
 * has committed, its fine-tuner is told to stop it (a provider call has no place inside a transaction).
 */
@Component
class CancelFineTuneJob {

    private static final Logger log = LoggerFactory.getLogger(CancelFineTuneJob.class);

    private final FineTuneJobRepository jobs;
    private final AuditLog audit;
    private final ProviderRegistry providers;
    private final Map<UUID, List<FineTuneJob>> toStop = new ConcurrentHashMap<>();

    CancelFineTuneJob(FineTuneJobRepository jobs, AuditLog audit, ProviderRegistry providers) {
        this.jobs = jobs;
        this.audit = audit;
        this.providers = providers;
    }

    @EventListener
    void on(RunCancelled event) {
        List<FineTuneJob> cancelled = jobs.cancelOpen(event.runId(), event.reason());
        for (FineTuneJob job : cancelled) {
            audit.record(event.cancelledBy(), "FINE_TUNE_CANCELLED", "fine_tune_job", job.id(), event.runId(),
                    Map.of("provider", job.provider(), "externalId", String.valueOf(job.externalId())));
        }
        if (!cancelled.isEmpty()) {
            toStop.put(event.runId(), cancelled);
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void stopAtProvider(RunCancelled event) {
        for (FineTuneJob job : toStop.getOrDefault(event.runId(), List.of())) {
            if (job.externalId() == null) {
                continue;
            }
            try {
                providers.fineTuner(job.provider()).cancel(job.externalId());
            } catch (RuntimeException e) {
                log.warn("Fine-tuning job {} ({}) is recorded as cancelled but its provider could not be told: {}",
                        job.externalId(), job.provider(), e.toString());
            }
        }
        toStop.remove(event.runId());
    }
}
