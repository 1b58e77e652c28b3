package org.hybridllm.lifecycle.promote;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.stereotype.Component;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;

/**
 * Stage "promote": the approved candidate (fine-tuned model + its short prompt) becomes the champion; the previous
 * champion stays in model_alias_history, so it can be rolled back to.
 */
@Component
public class SetChampionWorker {

    public record Promoted(long championModelVersionId, long championPromptVersionId,
                           Long previousChampionModelVersionId) {
    }

    private final RunRepository runs;
    private final ModelRegistry models;
    private final StageExecutor stages;
    private final AuditLog audit;

    public SetChampionWorker(RunRepository runs, ModelRegistry models, StageExecutor stages, AuditLog audit) {
        this.runs = runs;
        this.models = models;
        this.stages = stages;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.promote.set-champion", fetchVariables = {"runId", "candidateModelVersionId",
            "tunedPromptVersionId", "approvalDecidedBy"})
    public Promoted promote(ActivatedJob job) {
        Map<String, Object> v = job.getVariablesAsMap();
        long modelId = ((Number) v.get("candidateModelVersionId")).longValue();
        long promptId = ((Number) v.get("tunedPromptVersionId")).longValue();
        String approvedBy = String.valueOf(v.getOrDefault("approvalDecidedBy", AuditLog.SYSTEM));
        return stages.onceInTransaction(job, Promoted.class, runId -> promote(runId, modelId, promptId, approvedBy));
    }

    Promoted promote(UUID runId, long modelVersionId, long promptVersionId, String approvedBy) {
        LifecycleRun run = runs.find(runId).orElseThrow();
        Optional<ModelAlias> previous = models.alias(run.useCaseId(), ModelAlias.CHAMPION);
        models.setAlias(run.useCaseId(), ModelAlias.CHAMPION, modelVersionId, promptVersionId, runId, approvedBy);
        models.clearAlias(run.useCaseId(), ModelAlias.CHALLENGER);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modelVersionId", modelVersionId);
        details.put("promptVersionId", promptVersionId);
        details.put("previousModelVersionId", previous.map(ModelAlias::modelVersionId).orElse(null));
        details.put("approvedBy", approvedBy);
        audit.record(AuditLog.SYSTEM, "CHAMPION_PROMOTED", "model_version", modelVersionId, runId, details);
        return new Promoted(modelVersionId, promptVersionId, previous.map(ModelAlias::modelVersionId).orElse(null));
    }
}
