package org.hybridllm.lifecycle.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.hybridllm.lifecycle.dataset.DatasetVersion;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.provider.ChatJsonl;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.stage.StageWork;
import org.springframework.stereotype.Component;

/**
 * Stage "re-prompt and evaluate": the fine-tuned candidate with its short prompt against the current champion
 * (model + prompt), both on the held-out test split of the run's dataset version, and both on the curated set. It
 * only evaluates: whether the candidate is better is the gate stage's question (gate.ComputeGateWorker).
 */
@Component
public class CompareWithChampionWorker {

    /**
     * Job input: the dataset the candidate was trained on, the candidate and its short prompt, and the prompt-only
     * baseline (base model + best prompt) to evaluate on the same test split.
     */
    public record CompareInput(UUID runId, long datasetVersionId, long candidateModelVersionId,
                               long tunedPromptVersionId, Long baseModelVersionId, Long baselinePromptVersionId) {
    }

    /**
     * Job output. The champion it was compared with (model + prompt) travels with the result, so promotion can
     * check that it is still the champion (compare-and-set). {@code breakEven}: when the candidate's training
     * pays back (process variable {@code breakEven}).
     */
    public record Compared(long championEvalRunId, long candidateEvalRunId, String primaryMetric,
                           double championAccuracy, Double championMacroF1, double candidateAccuracy,
                           Double candidateMacroF1,
                           double championPromptTokensPerCall, double candidatePromptTokensPerCall,
                           int testExamples, long championModelVersionId,
                           long championPromptVersionId, BreakEven breakEven) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final DatasetRepository datasets;
    private final ModelRegistry models;
    private final ArtifactStore artifacts;
    private final Evaluator evaluator;
    private final EvalResults evalResults;
    private final StageExecutor stages;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final BreakEvens breakEvens;

    public CompareWithChampionWorker(RunRepository runs, UseCaseRepository useCases, PromptVersionRepository prompts,
                                     DatasetRepository datasets, ModelRegistry models, ArtifactStore artifacts,
                                     Evaluator evaluator, EvalResults evalResults, StageExecutor stages,
                                     AuditLog audit, ObjectMapper json, BreakEvens breakEvens) {
        this.breakEvens = breakEvens;
        this.evalResults = evalResults;
        this.runs = runs;
        this.useCases = useCases;
        this.prompts = prompts;
        this.datasets = datasets;
        this.models = models;
        this.artifacts = artifacts;
        this.evaluator = evaluator;
        this.stages = stages;
        this.audit = audit;
        this.json = json;
    }

    @JobWorker(type = "lifecycle.evaluate.compare")
    public Compared compare(ActivatedJob job, @VariablesAsType CompareInput input) {
        return stages.once(job, Compared.class, runId -> compare(runId, input));
    }

    /** Both evaluations through the provider, no transaction held; the recording writes them. */
    StageWork.Recording<Compared> compare(UUID runId, CompareInput input) {
        UseCase useCase = useCases.get(runs.find(runId).orElseThrow().useCaseId());
        DatasetVersion dataset = datasets.get(input.datasetVersionId());
        List<LabelledExample> test = ChatJsonl.read(json,
                        artifacts.readVerified(artifacts.find(dataset.testArtifactId()))).stream()
                .map(e -> new LabelledExample(e.user(), e.assistant())).toList();
        String evalSet = Evaluator.testSplit(dataset.id());
        ModelAlias champion = models.alias(useCase.id(), ModelAlias.CHAMPION)
                .orElseThrow(() -> new IllegalStateException("use case " + useCase.key() + " has no champion"));

        Evaluator.Scored championScored = evaluator.score(useCase, models.get(champion.modelVersionId()),
                prompts.get(champion.promptVersionId()), test);
        // the candidate's outputs are judged against the champion's on the same examples (pairwise, with a judge)
        Evaluator.Scored candidateScored = evaluator.score(useCase, models.get(input.candidateModelVersionId()),
                prompts.get(input.tunedPromptVersionId()), test, championScored.outputs());
        // same sets, paired: the baseline on the test split too, champion and candidate on the evaluation set too
        List<LabelledExample> curated = useCases.evalSet(useCase.id()).stream()
                .map(e -> new LabelledExample(e.input(), e.expected())).toList();
        boolean baselineIsChampion = input.baseModelVersionId() == null || input.baselinePromptVersionId() == null
                || (input.baseModelVersionId() == champion.modelVersionId()
                && input.baselinePromptVersionId() == champion.promptVersionId());
        Evaluator.Scored baselineScored = baselineIsChampion ? null : evaluator.score(useCase,
                models.get(input.baseModelVersionId()), prompts.get(input.baselinePromptVersionId()), test);
        // the champion on the curated set was scored earlier in this run (as the baseline prompt, or by the decide
        // stage) unless it changed since: its recorded outputs are reused, not asked for again
        List<String> recorded = evalResults.outputs(runId, Evaluator.EVAL_SET, champion.modelVersionId(),
                champion.promptVersionId()).filter(outputs -> outputs.size() == curated.size()).orElse(null);
        Evaluator.Scored championCurated = curated.isEmpty() || recorded != null ? null : evaluator.score(useCase,
                models.get(champion.modelVersionId()), prompts.get(champion.promptVersionId()), curated);
        List<String> championCuratedOutputs = championCurated == null ? recorded : championCurated.outputs();
        Evaluator.Scored candidateCurated = curated.isEmpty() ? null : evaluator.score(useCase,
                models.get(input.candidateModelVersionId()), prompts.get(input.tunedPromptVersionId()), curated,
                championCuratedOutputs);
        return () -> {
            if (baselineScored != null) {
                evaluator.record(runId, Evaluator.Role.BASELINE, evalSet, baselineScored);
            }
            if (championCurated != null) {
                evaluator.record(runId, Evaluator.Role.CHAMPION, Evaluator.EVAL_SET, championCurated);
            }
            if (candidateCurated != null) {
                evaluator.record(runId, Evaluator.Role.CANDIDATE, Evaluator.EVAL_SET, candidateCurated);
            }
            EvalRunSummary championResult = evaluator.record(runId, Evaluator.Role.CHAMPION, evalSet, championScored);
            EvalRunSummary candidateResult = evaluator.record(runId, Evaluator.Role.CANDIDATE, evalSet,
                    candidateScored);
            audit.record(AuditLog.SYSTEM, "CANDIDATE_EVALUATED", "eval_run", candidateResult.evalRunId(), runId,
                    Map.of("primaryMetric", candidateResult.primaryMetric(), "championAccuracy", championResult.primary(),
                            "candidateAccuracy", candidateResult.primary(),
                            "championModelVersionId", champion.modelVersionId(),
                            "championPromptVersionId", champion.promptVersionId()));
            return new Compared(championResult.evalRunId(), candidateResult.evalRunId(),
                    candidateResult.primaryMetric(), championResult.primary(), championResult.macroF1(),
                    candidateResult.primary(), candidateResult.macroF1(),
                    championResult.promptTokensPerCall(), candidateResult.promptTokensPerCall(), test.size(),
                    champion.modelVersionId(), champion.promptVersionId(),
                    breakEvens.of(useCase, championResult.evalRunId(), candidateResult.evalRunId(),
                            input.candidateModelVersionId()));
        };
    }
}
