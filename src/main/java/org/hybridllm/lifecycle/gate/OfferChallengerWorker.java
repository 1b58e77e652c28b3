package org.hybridllm.lifecycle.gate;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.run.RunRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stage "gate", last step: a candidate the gate would promote becomes the use case's challenger while it waits for
 * its review, so a canary share can be routed to it. Not recorded in the stage ledger on purpose: a resumed run
 * passes here again and offers its candidate again (the challenger is cleared when a run is interrupted), an
 * idempotent upsert.
 */
@Component
public class OfferChallengerWorker {

    public record OfferInput(UUID runId, long candidateModelVersionId, long tunedPromptVersionId) {
    }

    public record Offered(boolean challengerOffered) {
    }

    private final RunRepository runs;
    private final ModelRegistry models;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    public OfferChallengerWorker(RunRepository runs, ModelRegistry models, AuditLog audit, TransactionTemplate transaction) {
        this.runs = runs;
        this.models = models;
        this.audit = audit;
        this.transaction = transaction;
    }

    @JobWorker(type = "lifecycle.gate.offer-challenger")
    public Offered offer(@VariablesAsType OfferInput input) {
        return transaction.execute(status -> {
            long useCaseId = runs.find(input.runId()).orElseThrow().useCaseId();
            models.lockAliases(useCaseId);
            boolean changed = models.alias(useCaseId, ModelAlias.CHALLENGER)
                    .map(current -> current.modelVersionId() != input.candidateModelVersionId()
                            || current.promptVersionId() != input.tunedPromptVersionId())
                    .orElse(true);
            if (changed) {
                models.setAlias(useCaseId, ModelAlias.CHALLENGER, input.candidateModelVersionId(),
                        input.tunedPromptVersionId(), input.runId(), AuditLog.SYSTEM);
                audit.record(AuditLog.SYSTEM, "CHALLENGER_OFFERED", "model_version",
                        input.candidateModelVersionId(), input.runId(),
                        Map.of("promptVersionId", input.tunedPromptVersionId()));
            }
            return new Offered(true);
        });
    }
}
