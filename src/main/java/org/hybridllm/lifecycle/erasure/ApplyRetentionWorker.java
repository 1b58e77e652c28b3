package org.hybridllm.lifecycle.erasure;

import io.camunda.client.annotation.JobWorker;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.feedback.PersonalData;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Process lifecycle-retention, its one job: for every use case with a retention period, deletes the interactions
 * (and their feedback) logged before now − period, with the tainting and file rewriting of an erasure. Idempotent:
 * a retried job finds the rows gone and removes nothing twice; it also deletes any erased file a crash left.
 */
@Component
public class ApplyRetentionWorker {

    private static final Logger log = LoggerFactory.getLogger(ApplyRetentionWorker.class);

    /** Job output: the pass's totals, and per use case what it removed. */
    public record RetentionApplied(int useCases, ErasureCounts totals, List<UseCaseRetention> applied,
                                   List<Retraining.Retrain> retraining) {
    }

    public record UseCaseRetention(String useCase, String retentionPeriod, String cutoff,
                                   ErasureCounts counts) {
    }

    private final UseCaseRepository useCases;
    private final PersonalData personalData;
    private final Removal removal;
    private final ArtifactStore artifacts;
    private final Retraining retraining;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    ApplyRetentionWorker(UseCaseRepository useCases, PersonalData personalData, Removal removal,
                         ArtifactStore artifacts, Retraining retraining, AuditLog audit,
                         TransactionTemplate transaction) {
        this.useCases = useCases;
        this.personalData = personalData;
        this.removal = removal;
        this.artifacts = artifacts;
        this.retraining = retraining;
        this.audit = audit;
        this.transaction = transaction;
    }

    @JobWorker(type = "lifecycle.retention.apply")
    public RetentionApplied apply() {
        return applyNow(OffsetDateTime.now(ZoneOffset.UTC));
    }

    RetentionApplied applyNow(OffsetDateTime now) {
        List<UseCaseRetention> applied = new ArrayList<>();
        Set<Long> taintedChampions = new LinkedHashSet<>();
        ErasureCounts totals = ErasureCounts.NONE;
        List<UseCaseRepository.Retention> retentions = useCases.withRetention();
        for (UseCaseRepository.Retention retention : retentions) {
            RetentionPeriod period;
            try {
                period = RetentionPeriod.parse(retention.period());
            } catch (IllegalArgumentException e) {
                log.warn("Use case {} has an unusable retention period: {}", retention.key(), e.getMessage());
                continue;
            }
            OffsetDateTime cutoff = period.cutoff(now);
            Removal.Removed removed = transaction.execute(status -> {
                removal.lockOutBuilds();
                Removal.Removed r = removal.remove(personalData.olderThan(retention.useCaseId(), cutoff),
                        "retention", AuditLog.SYSTEM);
                if (!r.counts().isEmpty()) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("retentionPeriod", period.text());
                    details.put("cutoff", cutoff.toString());
                    details.put("counts", r.counts());
                    audit.record(AuditLog.SYSTEM, "RETENTION_APPLIED", "use_case", retention.key(), null, details);
                }
                return r;
            });
            taintedChampions.addAll(removed.taintedChampionUseCases());
            totals = totals.plus(removed.counts());
            applied.add(new UseCaseRetention(retention.key(), period.text(), cutoff.toString(), removed.counts()));
        }
        artifacts.purgeErasedFiles();
        List<Retraining.Retrain> retrain = retraining.afterRemoval(taintedChampions, "retention tainted the champion");
        return new RetentionApplied(retentions.size(), totals, applied, retrain);
    }
}
