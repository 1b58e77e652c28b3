package org.hybridllm.lifecycle.decide;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.evaluate.EvalResults;
import org.hybridllm.lifecycle.evaluate.EvalRunSummary;
import org.hybridllm.lifecycle.evaluate.Evaluator;
import org.hybridllm.lifecycle.evaluate.LabelledExample;
import org.hybridllm.lifecycle.evaluate.RequestVolume;
import org.hybridllm.lifecycle.evaluate.ServingCost;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.prototype.EvaluatePromptsWorker;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.stage.StageWork;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.stereotype.Component;

/**
 * Stage "decide", step 1: the decision is taken against what serves today, the current champion (model + its
 * prompt), not only against the prompt baseline. A champion that is the prototype's best prompt on the base model
 * was measured by the prototype stage already; any other champion (a fine-tuned one) is evaluated here on the same
 * evaluation set.
 */
@Component
public class EvaluateChampionWorker {

    public record ChampionInput(UUID runId, long baseModelVersionId, long baselinePromptVersionId,
                                double baselineAccuracy) {
    }

    /**
     * Job output: the champion's quality on the evaluation set, its p95 latency and cost per request there (null
     * when unknown: an unpriced provider), the use case's monthly volume and where it comes from, and the
     * thresholds above which the decision table calls volume, latency and cost high.
     */
    public record ChampionEvaluated(long championModelVersionId, long championPromptVersionId,
                                    boolean championFineTuned, double championEvalSetAccuracy, Long championEvalRunId,
                                    Double championLatencyP95Ms, Double championCostPerRequestUsd,
                                    Long monthlyRequests, String volumeSource, long highVolumeMonthlyRequests,
                                    double highLatencyP95Ms, BigDecimal highCostPerRequestUsd,
                                    boolean championTainted) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final ModelRegistry models;
    private final Evaluator evaluator;
    private final StageExecutor stages;
    private final EvalResults evalResults;
    private final RequestVolume volumes;
    private final DecisionProperties thresholds;

    public EvaluateChampionWorker(RunRepository runs, UseCaseRepository useCases, PromptVersionRepository prompts,
                                  ModelRegistry models, Evaluator evaluator, StageExecutor stages,
                                  EvalResults evalResults, RequestVolume volumes, DecisionProperties thresholds) {
        this.evalResults = evalResults;
        this.volumes = volumes;
        this.thresholds = thresholds;
        this.runs = runs;
        this.useCases = useCases;
        this.prompts = prompts;
        this.models = models;
        this.evaluator = evaluator;
        this.stages = stages;
    }

    @JobWorker(type = "lifecycle.decide.evaluate-champion")
    public ChampionEvaluated evaluateChampion(ActivatedJob job, @VariablesAsType ChampionInput input) {
        return stages.once(job, ChampionEvaluated.class, runId -> evaluate(runId, input));
    }

    StageWork.Recording<ChampionEvaluated> evaluate(UUID runId, ChampionInput input) {
        UseCase useCase = useCases.get(runs.find(runId).orElseThrow().useCaseId());
        Optional<ModelAlias> champion = models.alias(useCase.id(), ModelAlias.CHAMPION);
        long modelId = champion.map(ModelAlias::modelVersionId).orElse(input.baseModelVersionId());
        long promptId = champion.map(ModelAlias::promptVersionId).orElse(input.baselinePromptVersionId());
        ModelVersion model = models.get(modelId);
        boolean fineTuned = model.kind() == ModelVersion.Kind.FINE_TUNED;
        RequestVolume.Volume volume = volumes.monthly(useCase);
        if (modelId == input.baseModelVersionId() && promptId == input.baselinePromptVersionId()) {
            // measured by the prototype stage: its evaluation of the baseline tells the cost and latency too
            ServingCost serving = evalResults.latestEvalRun(runId, EvaluatePromptsWorker.EVAL_SET, modelId, promptId)
                    .map(evalResults::servingCost).orElse(null);
            ChampionEvaluated measured = evaluated(modelId, promptId, fineTuned, model.tainted(),
                    input.baselineAccuracy(), null, serving, volume);
            return () -> measured;
        }
        List<LabelledExample> evalSet = useCases.evalSet(useCase.id()).stream()
                .map(e -> new LabelledExample(e.input(), e.expected())).toList();
        Evaluator.Scored scored = evaluator.score(useCase, model, prompts.get(promptId), evalSet);
        return () -> {
            EvalRunSummary result = evaluator.record(runId, Evaluator.Role.CHAMPION, EvaluatePromptsWorker.EVAL_SET,
                    scored);
            return evaluated(modelId, promptId, fineTuned, model.tainted(), result.primary(), result.evalRunId(),
                    evalResults.servingCost(result.evalRunId()), volume);
        };
    }

    private ChampionEvaluated evaluated(long modelId, long promptId, boolean fineTuned, boolean tainted,
                                        double accuracy,
                                        Long evalRunId, ServingCost serving, RequestVolume.Volume volume) {
        return new ChampionEvaluated(modelId, promptId, fineTuned, accuracy, evalRunId,
                serving == null ? null : serving.latencyP95Ms(), serving == null ? null : serving.costPerRequestUsd(),
                volume.monthlyRequests(), volume.source(), thresholds.highVolumeMonthlyRequests(),
                thresholds.highLatencyP95Ms(), thresholds.highCostPerRequestUsd(), tainted);
    }
}
