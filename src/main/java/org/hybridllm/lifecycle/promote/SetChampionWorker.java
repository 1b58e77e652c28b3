package org.hybridllm.lifecycle.promote;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.CamundaError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.stereotype.Component;

/**
 * Stage "promote": the approved candidate (fine-tuned model + its short prompt) becomes the champion, as a
 * compare-and-set: only if the champion it was evaluated against is still the champion. Otherwise (another run
 * promoted first) the BPMN error {@value #CHAMPION_CHANGED} ends the run with that outcome; the candidate was never
 * compared with the new champion, so it does not replace it. The previous champion stays in model_alias_history,
 * so it can be rolled back to.
 */
@Component
public class SetChampionWorker {

    static final String CHAMPION_CHANGED = "CHAMPION_CHANGED";

    /** Job input: the candidate, who approved it, and the champion it was evaluated against. */
    public record PromoteInput(UUID runId, long candidateModelVersionId, long tunedPromptVersionId,
                               String approvalDecidedBy, Long championModelVersionId, Long championPromptVersionId) {
    }

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

    @JobWorker(type = "lifecycle.promote.set-champion")
    public Promoted promote(ActivatedJob job, @VariablesAsType PromoteInput input) {
        return stages.onceInTransaction(job, Promoted.class, runId -> promote(runId, input));
    }

    Promoted promote(UUID runId, PromoteInput input) {
        LifecycleRun run = runs.find(runId).orElseThrow();
        String approvedBy = input.approvalDecidedBy() == null ? AuditLog.SYSTEM : input.approvalDecidedBy();
        models.lockAliases(run.useCaseId()); // the check and the set are one step for every run of the use case
        Optional<ModelAlias> previous = models.alias(run.useCaseId(), ModelAlias.CHAMPION);
        if (input.championModelVersionId() == null || previous.isEmpty()
                || previous.get().modelVersionId() != input.championModelVersionId()
                || previous.get().promptVersionId() != input.championPromptVersionId()) {
            throw CamundaError.bpmnError(CHAMPION_CHANGED, "Not promoted: the candidate was evaluated against "
                    + "champion model " + input.championModelVersionId() + " / prompt "
                    + input.championPromptVersionId() + ", but the champion is now "
                    + previous.map(c -> "model " + c.modelVersionId() + " / prompt " + c.promptVersionId())
                    .orElse("unset") + " (another run promoted first); start a new run to compare with it");
        }
        if (models.get(input.candidateModelVersionId()).tainted()) {
            // erased between the review and this step: the approval's own check came too early to see it
            throw CamundaError.bpmnError(CHAMPION_CHANGED, "Not promoted: the candidate is TAINTED (trained on a "
                    + "dataset that held rows erased since); the champion is unchanged, retrain the use case");
        }
        models.setAlias(run.useCaseId(), ModelAlias.CHAMPION, input.candidateModelVersionId(),
                input.tunedPromptVersionId(), runId, approvedBy);
        models.clearAlias(run.useCaseId(), ModelAlias.CHALLENGER);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modelVersionId", input.candidateModelVersionId());
        details.put("promptVersionId", input.tunedPromptVersionId());
        details.put("previousModelVersionId", previous.get().modelVersionId());
        details.put("approvedBy", approvedBy);
        audit.record(AuditLog.SYSTEM, "CHAMPION_PROMOTED", "model_version", input.candidateModelVersionId(), runId,
                details);
        return new Promoted(input.candidateModelVersionId(), input.tunedPromptVersionId(),
                previous.get().modelVersionId());
    }
}
