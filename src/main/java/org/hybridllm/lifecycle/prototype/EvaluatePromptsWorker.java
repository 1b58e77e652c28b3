package org.hybridllm.lifecycle.prototype;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.CamundaError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.evaluate.EvalRunSummary;
import org.hybridllm.lifecycle.evaluate.Evaluator;
import org.hybridllm.lifecycle.evaluate.LabelledExample;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.stage.StageWork;
import org.springframework.stereotype.Component;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;

/**
 * Stage "prototype": evaluates every prompt version of the use case with the base model on the use case's
 * evaluation set, and measures whether prompt iterations have plateaued (the latest version gained less than the
 * use case's plateau delta over the best earlier one). The best prompt is the prompt-only baseline; it becomes the
 * champion if the use case has none yet.
 */
@Component
public class EvaluatePromptsWorker {

    public static final String EVAL_SET = Evaluator.EVAL_SET;

    /** Job output: the inputs of the decide stage, and the baseline the cycle must beat. */
    public record PromptsEvaluated(String useCaseKey, long baselinePromptVersionId, long baseModelVersionId,
                                   String primaryMetric, double baselineAccuracy, Double baselineMacroF1, int promptIterations,
                                   boolean promptPlateau, double targetAccuracy, int minLabelledExamples,
                                   List<Long> evalRunIds) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final ModelRegistry models;
    private final Evaluator evaluator;
    private final StageExecutor stages;
    private final AuditLog audit;

    public EvaluatePromptsWorker(RunRepository runs, UseCaseRepository useCases, PromptVersionRepository prompts,
                                 ModelRegistry models, Evaluator evaluator, StageExecutor stages, AuditLog audit) {
        this.runs = runs;
        this.useCases = useCases;
        this.prompts = prompts;
        this.models = models;
        this.evaluator = evaluator;
        this.stages = stages;
        this.audit = audit;
    }

    @JobWorker(type = "lifecycle.prototype.evaluate-prompts", fetchVariables = "runId")
    public PromptsEvaluated evaluatePrompts(ActivatedJob job) {
        return stages.once(job, PromptsEvaluated.class, this::evaluate);
    }

    /** Scores every prompt version through the provider (no transaction held); the recording writes the results. */
    StageWork.Recording<PromptsEvaluated> evaluate(UUID runId) {
        UseCase useCase = useCases.get(runs.find(runId).orElseThrow().useCaseId());
        List<PromptVersion> versions = prompts.findByUseCase(useCase.id(), PromptVersion.Purpose.PROTOTYPE);
        List<LabelledExample> evalSet = useCases.evalSet(useCase.id()).stream()
                .map(e -> new LabelledExample(e.input(), e.expected())).toList();
        if (versions.isEmpty() || evalSet.isEmpty()) {
            // nothing in the process can fix this: an incident that says what to do, not an error nothing catches
            throw CamundaError.jobError("Use case " + useCase.key() + " needs at least one prompt version and an "
                    + "evaluation set: add them (POST /api/use-cases/" + useCase.key() + "/prompts, evalExamples), "
                    + "then retry the job in Operate or start a new run", null, 0, Duration.ZERO, null);
        }
        ModelVersion baseModel = models.baseModel(useCase.id(), useCase.provider(), useCase.baseModel());
        List<Evaluator.Scored> scored = versions.stream()
                .map(version -> evaluator.score(useCase, baseModel, version, evalSet)).toList();
        return () -> record(runId, useCase, baseModel, versions.size(), scored);
    }

    private PromptsEvaluated record(UUID runId, UseCase useCase, ModelVersion baseModel, int versions,
                                    List<Evaluator.Scored> scored) {
        List<EvalRunSummary> results = new ArrayList<>();
        for (Evaluator.Scored one : scored) {
            results.add(evaluator.record(runId, Evaluator.Role.PROMPT_ITERATION, EVAL_SET, one));
        }
        EvalRunSummary best = results.stream().max(Comparator.comparingDouble(EvalRunSummary::primary)).orElseThrow();
        double latest = results.getLast().primary();
        double bestBeforeLatest = results.subList(0, results.size() - 1).stream()
                .mapToDouble(EvalRunSummary::primary).max().orElse(0);
        boolean plateau = results.size() >= 2 && latest - bestBeforeLatest < useCase.plateauDelta();
        List<Long> evalRunIds = results.stream().map(EvalRunSummary::evalRunId).toList();

        models.lockAliases(useCase.id());
        if (models.alias(useCase.id(), ModelAlias.CHAMPION).isEmpty()) {
            models.setAlias(useCase.id(), ModelAlias.CHAMPION, baseModel.id(), best.promptVersionId(), runId,
                    AuditLog.SYSTEM);
            audit.record(AuditLog.SYSTEM, "CHAMPION_INITIALISED", "use_case", useCase.key(), runId,
                    Map.of("modelVersionId", baseModel.id(), "promptVersionId", best.promptVersionId()));
        }
        return new PromptsEvaluated(useCase.key(), best.promptVersionId(), baseModel.id(), best.primaryMetric(),
                best.primary(), best.macroF1(), versions, plateau, useCase.targetAccuracy(), useCase.minLabelledExamples(),
                evalRunIds);
    }
}
