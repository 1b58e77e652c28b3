package org.hybridllm.lifecycle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.evaluate.Evaluation;
import org.hybridllm.lifecycle.evaluate.EvaluationSteps;
import org.hybridllm.lifecycle.evaluate.LabelledExample;
import org.hybridllm.lifecycle.evaluate.UseCaseScorers;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.provider.local.LocalExtraction;
import org.hybridllm.lifecycle.provider.local.LocalComputeProperties;
import org.hybridllm.lifecycle.provider.local.LocalModelProvider;
import org.hybridllm.lifecycle.provider.local.LocalReplySelection;
import org.hybridllm.lifecycle.provider.local.MiniLmEmbeddings;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.scoring.Scorers;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;

/**
 * What the scorers add to an evaluation on the local provider, per sample use case: the prompt-iteration stage's
 * evaluations (every prototype prompt version on the evaluation set, as {@code EvaluatePromptsWorker} runs them
 * through {@code Evaluator.score}), the provider's completions (the model calls, the baseline) and the scoring of
 * those completions with the use case's scorers (ours) timed apart in the same run.
 *
 * <p>Twice per repetition: first on empty caches (a fresh {@link MiniLmEmbeddings} and {@link LocalExtraction}, as
 * in an app's first evaluation of the use case: every input, shot and reference is embedded), then the same
 * evaluations again on those now warm caches (a repeated run). Each repetition first runs one unmeasured pass
 * on components of its own, for the JIT.
 */
final class ScorerOverheadBenchmark implements Benchmark {

    private static final double TARGET = 0.10;
    private static final String EMPTY_CACHES = ", empty caches";
    private static final String WARM_CACHES = ", warm caches";

    @Override
    public String name() {
        return "scorer overhead (local provider)";
    }

    @Override
    public String target() {
        return "scoring <= 10 % of model calls (judged on empty caches)";
    }

    /**
     * Judged where the local model computes: with warm caches its "calls" are cache lookups and a few dot products
     * (milliseconds for a whole evaluation set), which any scorer's own arithmetic outweighs; those rows are shown,
     * not judged (BENCHMARKS.md).
     */
    @Override
    public boolean met(Map<String, Summary> byMetric) {
        return byMetric.entrySet().stream().filter(e -> e.getKey().endsWith(EMPTY_CACHES))
                .allMatch(e -> e.getValue().medianRatio() <= TARGET);
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        List<Measurement> measurements = new ArrayList<>();
        for (String sample : SampleDataLoader.SAMPLES) {
            StageEvaluations evaluations = evaluations(context, sample);
            try (LocalModel warmUp = new LocalModel(context)) {
                evaluations.run(warmUp);
            }
            try (LocalModel fresh = new LocalModel(context)) {
                Timings cold = evaluations.run(fresh);
                Timings warm = evaluations.run(fresh);
                measurements.add(cold.measurement(name(), sample + EMPTY_CACHES));
                measurements.add(warm.measurement(name(), sample + WARM_CACHES));
            }
        }
        return measurements;
    }

    /** The sample's prototype prompt versions and evaluation set (a few of each in the smoke run). */
    private static StageEvaluations evaluations(BenchContext context, String sample) {
        String key = "bench-scoring-" + sample;
        context.app().getBean(SampleDataLoader.class).loadInto(sample, key);
        UseCaseRepository useCases = context.app().getBean(UseCaseRepository.class);
        UseCase useCase = useCases.require(key);
        List<PromptVersion> prompts = context.app().getBean(PromptVersionRepository.class)
                .findByUseCase(useCase.id(), PromptVersion.Purpose.PROTOTYPE);
        List<LabelledExample> evalSet = useCases.evalSet(useCase.id()).stream()
                .map(e -> new LabelledExample(e.input(), e.expected())).toList();
        ModelVersion model = context.app().getBean(ModelRegistry.class)
                .baseModel(useCase.id(), useCase.provider(), useCase.baseModel());
        if (!LocalModelProvider.NAME.equals(model.provider())) {
            throw new IllegalStateException(key + " runs on " + model.provider() + ", not the local provider");
        }
        return context.smoke()
                ? new StageEvaluations(useCase, model, prompts.subList(prompts.size() - 1, prompts.size()),
                evalSet.subList(0, Math.min(10, evalSet.size())))
                : new StageEvaluations(useCase, model, prompts, evalSet);
    }

    private record StageEvaluations(UseCase useCase, ModelVersion model, List<PromptVersion> prompts,
                                    List<LabelledExample> examples) {

        Timings run(LocalModel local) {
            long modelCalls = 0;
            long scoring = 0;
            for (PromptVersion prompt : prompts) {
                long started = System.nanoTime();
                List<Completion> completions = local.provider()
                        .complete(EvaluationSteps.request(useCase, model, prompt, examples));
                long completed = System.nanoTime();
                Evaluation evaluation = EvaluationSteps.score(local.scorers(), useCase, examples, completions);
                scoring += System.nanoTime() - completed;
                modelCalls += completed - started;
                if (evaluation.examples().size() != examples.size()) {
                    throw new IllegalStateException(useCase.key() + ": " + evaluation.examples().size() + " of "
                            + examples.size() + " examples scored");
                }
            }
            return new Timings(modelCalls, scoring);
        }
    }

    private record Timings(long modelCallNanos, long scoringNanos) {

        Measurement measurement(String benchmark, String metric) {
            return new Measurement(benchmark, metric, "scoring vs model calls, ms", scoringNanos / 1e6,
                    modelCallNanos / 1e6, false);
        }
    }

    /**
     * The local provider and the use cases' scorers as the app wires them (scorers embed through the same
     * {@link MiniLmEmbeddings} as the provider), on caches of their own; the ONNX models are loaded before the
     * clock starts.
     */
    private static final class LocalModel implements AutoCloseable {

        private final LocalExtraction extraction;
        private final LocalModelProvider provider;
        private final UseCaseScorers scorers;

        LocalModel(BenchContext context) {
            ObjectMapper json = context.app().getBean(ObjectMapper.class);
            MiniLmEmbeddings embeddings = new MiniLmEmbeddings();
            extraction = new LocalExtraction(json);
            // load both sessions now (the sentence model's is shared by the JVM, the token model's is ours)
            embeddings.embed("loading the model");
            extraction.tokens("loading the model");
            provider = new LocalModelProvider(embeddings, extraction, new LocalReplySelection(embeddings, json), json,
                    LocalComputeProperties.defaults());
            scorers = new UseCaseScorers(new Scorers(embeddings), context.app().getBean(ProviderRegistry.class));
        }

        LocalModelProvider provider() {
            return provider;
        }

        UseCaseScorers scorers() {
            return scorers;
        }

        @Override
        public void close() {
            extraction.close();
        }
    }
}
