package org.hybridllm.lifecycle.gate;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.evaluate.EvalResults;
import org.hybridllm.lifecycle.evaluate.EvalRunSummary;
import org.hybridllm.lifecycle.evaluate.EvaluationProperties;
import org.hybridllm.lifecycle.evaluate.Evaluator;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.stage.StageWork;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.stereotype.Component;

/**
 * Stage "gate", step 1: the paired statistics of champion vs candidate on the test split (and, as secondary
 * evidence, on the curated set), recorded once per run revision in the stage ledger. Its flat figures are the
 * inputs of the DMN table promotion-gate that follows.
 */
@Component
public class ComputeGateWorker {

    /**
     * Job input: the evaluate stage's outputs (both test-split evaluation runs, the champion compared with), the
     * candidate, and the dataset stage's {@code leakage} (absent when the dataset stage did not report it).
     */
    public record ComputeInput(UUID runId, long datasetVersionId, long championEvalRunId, long candidateEvalRunId,
                               Long championModelVersionId, Long championPromptVersionId,
                               Long candidateModelVersionId, Long tunedPromptVersionId, Map<String, Object> leakage) {
    }

    /**
     * Job output: the evidence so far ({@code gateEvidence}, no verdict yet), what an INCONCLUSIVE verdict would
     * say, and the figures the DMN table decides on.
     */
    public record Computed(GateEvidence gateEvidence, Integer additionalExamplesNeeded,
                           String additionalExamplesReason, double difference, double ciLow, double ciHigh,
                           Double pValue, double alpha, double minimumGain, int sliceRegressions,
                           int nonInferiorityFailures, boolean candidateTainted,
                           boolean championTainted) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final EvalResults evalResults;
    private final TestSplitClusters clusters;
    private final StageExecutor stages;
    private final GateProperties settings;
    private final double defaultMinimumGain;
    private final ModelRegistry models;

    public ComputeGateWorker(RunRepository runs, UseCaseRepository useCases, EvalResults evalResults,
                             TestSplitClusters clusters, StageExecutor stages, GateProperties settings,
                             EvaluationProperties evaluation, ModelRegistry models) {
        this.models = models;
        this.runs = runs;
        this.useCases = useCases;
        this.evalResults = evalResults;
        this.clusters = clusters;
        this.stages = stages;
        this.settings = settings;
        this.defaultMinimumGain = evaluation.minimumGain();
    }

    @JobWorker(type = "lifecycle.gate.compute")
    public Computed compute(ActivatedJob job, @VariablesAsType ComputeInput input) {
        return stages.once(job, Computed.class, runId -> compute(runId, input));
    }

    /** Reads the per-example results and computes, holding no transaction; nothing to write but the ledger. */
    StageWork.Recording<Computed> compute(UUID runId, ComputeInput input) {
        UseCase useCase = useCases.get(runs.find(runId).orElseThrow().useCaseId());
        double minimumGain = useCase.minimumGain() != null ? useCase.minimumGain() : defaultMinimumGain;
        EvalRunSummary candidateRun = evalResults.summary(input.candidateEvalRunId()).orElseThrow(
                () -> new IllegalStateException("no evaluation run " + input.candidateEvalRunId()));
        List<EvalResults.ExampleOutcome> champion = evalResults.exampleOutcomes(input.championEvalRunId());
        List<EvalResults.ExampleOutcome> candidate = evalResults.exampleOutcomes(input.candidateEvalRunId());
        GateAnalysis.Pair curated = curatedSet(runId, input);
        boolean leakageFlagged = input.leakage() != null && Boolean.TRUE.equals(input.leakage().get("flagged"));
        GateAnalysis.Analysis analysis = GateAnalysis.analyse(new GateAnalysis.Inputs(candidateRun.primaryMetric(),
                champion, candidate, clusters.keys(input.datasetVersionId()), minimumGain, leakageFlagged, curated),
                settings);
        GateEvidence evidence = analysis.evidence();
        Computed computed = new Computed(evidence, analysis.additionalExamplesNeeded(),
                analysis.additionalExamplesReason(), evidence.difference(), evidence.ci().get(0),
                evidence.ci().get(1), evidence.pValue(), settings.alpha(), minimumGain, analysis.sliceRegressions(),
                analysis.nonInferiorityFailures(), candidateTainted(input),
                input.championModelVersionId() != null && models.get(input.championModelVersionId()).tainted());
        return () -> computed;
    }

    /** Trained on a dataset that held rows erased since: the table refuses to promote it, whatever its figures. */
    private boolean candidateTainted(ComputeInput input) {
        return input.candidateModelVersionId() != null && models.get(input.candidateModelVersionId()).tainted();
    }

    /** Champion and candidate on the curated evaluation set of this run, when both were evaluated there. */
    private GateAnalysis.Pair curatedSet(UUID runId, ComputeInput input) {
        if (input.championModelVersionId() == null || input.championPromptVersionId() == null
                || input.candidateModelVersionId() == null || input.tunedPromptVersionId() == null) {
            return null;
        }
        Optional<Long> championRun = evalResults.latestEvalRun(runId, Evaluator.EVAL_SET,
                input.championModelVersionId(), input.championPromptVersionId());
        Optional<Long> candidateRun = evalResults.latestEvalRun(runId, Evaluator.EVAL_SET,
                input.candidateModelVersionId(), input.tunedPromptVersionId());
        if (championRun.isEmpty() || candidateRun.isEmpty()) {
            return null;
        }
        return new GateAnalysis.Pair(evalResults.exampleOutcomes(championRun.get()),
                evalResults.exampleOutcomes(candidateRun.get()));
    }
}
