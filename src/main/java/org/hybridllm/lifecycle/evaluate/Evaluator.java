package org.hybridllm.lifecycle.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.scoring.JudgeCall;
import org.hybridllm.lifecycle.scoring.JudgeReply;
import org.hybridllm.lifecycle.statistics.DifferenceInterval;
import org.hybridllm.lifecycle.statistics.PairedBootstrap;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Runs a model + prompt version on evaluation examples through its provider and scores every output with the use
 * case's scorers ({@link #score}, no transaction held: provider and judge calls take time), then records eval_run,
 * its per-label eval_result rows (classification), one eval_example_result per example with every verdict, and
 * one model_call per model or judge call ({@link #record}, in the stage's record transaction).
 */
@Service
public class Evaluator {

    public enum Role { PROMPT_ITERATION, BASELINE, CHAMPION, CANDIDATE }

    /** The curated evaluation set's name in eval_run; a dataset's test split is {@link #testSplit}'s. */
    public static final String EVAL_SET = "eval-set";

    /** A dataset version's test split as eval_run names it: {@code dataset:<id>:test}. */
    static String testSplit(long datasetVersionId) {
        return "dataset:" + datasetVersionId + ":test";
    }

    /** The confidence interval of every evaluation's primary metric: 95 %, a seeded bootstrap of its examples. */
    static final double CI_LEVEL = 0.95;
    static final long CI_SEED = 20261201L;

    private final ProviderRegistry providers;
    private final UseCaseScorers scorers;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final JdbcTemplate jdbcTemplate;

    public Evaluator(ProviderRegistry providers, UseCaseScorers scorers, JdbcClient jdbc, ObjectMapper json,
                     JdbcTemplate jdbcTemplate) {
        this.providers = providers;
        this.scorers = scorers;
        this.jdbc = jdbc;
        this.json = json;
        this.jdbcTemplate = jdbcTemplate;
    }

    /** A model + prompt version's outputs on examples, scored; nothing recorded yet. */
    public record Scored(UseCase useCase, ModelVersion model, PromptVersion prompt, List<LabelledExample> examples,
                         List<Completion> completions, Evaluation evaluation) {

        public List<String> outputs() {
            return completions.stream().map(Completion::output).toList();
        }
    }

    /** Calls the provider (no transaction is needed or should be held) and scores its outputs. */
    public Scored score(UseCase useCase, ModelVersion model, PromptVersion prompt, List<LabelledExample> examples) {
        return score(useCase, model, prompt, examples, null);
    }

    /**
     * As {@link #score(UseCase, ModelVersion, PromptVersion, List)}, with the champion's outputs on the same
     * examples for the pairwise judge (when the use case has one).
     */
    public Scored score(UseCase useCase, ModelVersion model, PromptVersion prompt, List<LabelledExample> examples,
                        List<String> championOutputs) {
        List<Completion> completions = providers.provider(model.provider())
                .complete(request(useCase, model, prompt, examples));
        Evaluation evaluation = evaluate(scorers, useCase, examples, completions, championOutputs);
        return new Scored(useCase, model, prompt, examples, completions, evaluation);
    }

    /** What the provider is asked: the prompt version on the examples' inputs, under the use case's contract. */
    static ModelRequest request(UseCase useCase, ModelVersion model, PromptVersion prompt,
                                List<LabelledExample> examples) {
        return new ModelRequest(model.target(), prompt.spec(), useCase.task(), useCase.labels(),
                useCase.contract().outputSchema(), examples.stream().map(LabelledExample::input).toList());
    }

    /**
     * Everything {@link #score} does after the provider call: the use case's scorers built and run on every output
     * (the scorer-overhead benchmark times this beside the provider call).
     */
    static Evaluation evaluate(UseCaseScorers scorers, UseCase useCase, List<LabelledExample> examples,
                               List<Completion> completions, List<String> championOutputs) {
        return Evaluation.of(useCase.task(), useCase.labelNames(), examples, completions, championOutputs,
                scorers.forEvaluation(useCase.contract(), championOutputs != null));
    }

    /** Records a scored evaluation: eval_run, per-label and per-example results, and every call it made. */
    public EvalRunSummary record(UUID runId, Role role, String evalSet, Scored scored) {
        List<Completion> completions = scored.completions();
        Evaluation evaluation = scored.evaluation();
        ClassificationMetrics classification = evaluation.classification();
        long promptTokens = completions.stream().mapToLong(Completion::promptTokens).sum();
        double[] latencies = completions.stream().mapToDouble(Completion::latencyMs).sorted().toArray();
        Double p50 = latencies.length == 0 ? null : latencies[latencies.length / 2];
        long completionTokens = completions.stream().mapToLong(Completion::completionTokens).sum();
        // a cost only when the provider priced every call (a partial sum would understate it)
        BigDecimal cost = completions.stream().allMatch(c -> c.costUsd() != null)
                ? completions.stream().map(Completion::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add) : null;

        DifferenceInterval ci = confidenceInterval(evaluation);
        long evalRunId = jdbc.sql("""
                        insert into eval_run (run_id, use_case_id, role, model_version_id, prompt_version_id, eval_set,
                                              examples, accuracy, macro_f1, prompt_tokens, latency_ms_p50, confusion,
                                              completion_tokens, cost_usd, task, primary_metric, primary_value,
                                              metrics, contract_version, ci_low, ci_high)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                        returning id""")
                .params(runId, scored.useCase().id(), role.name(), scored.model().id(), scored.prompt().id(), evalSet,
                        scored.examples().size(), classification == null ? null : classification.accuracy(),
                        classification == null ? null : classification.macroF1(), promptTokens, p50,
                        Jsonb.write(json, classification == null ? Map.of() : classification.confusion()),
                        completionTokens, cost, evaluation.task().name(), evaluation.primaryMetric(),
                        evaluation.primary(), Jsonb.write(json, evaluation.metrics()),
                        scored.useCase().contract().version(), ci == null ? null : ci.low(),
                        ci == null ? null : ci.high())
                .query(Long.class)
                .single();
        recordCalls(evalRunId, scored);
        recordJudgeCalls(evalRunId, evaluation.judgeCalls());
        recordExamples(evalRunId, evaluation.examples());
        if (classification != null) {
            for (ClassificationMetrics.LabelMetrics label : classification.perLabel()) {
                jdbc.sql("""
                                insert into eval_result (eval_run_id, label, precision, recall, f1, support)
                                values (?, ?, ?, ?, ?, ?)""")
                        .params(evalRunId, label.label(), label.precision(), label.recall(), label.f1(),
                                label.support())
                        .update();
            }
        }
        int examples = scored.examples().size();
        double tokensPerCall = examples == 0 ? 0 : (double) promptTokens / examples;
        return new EvalRunSummary(evalRunId, scored.model().id(), scored.prompt().id(), examples,
                evaluation.primaryMetric(), evaluation.primary(),
                classification == null ? null : classification.macroF1(), tokensPerCall);
    }

    /** The 95 % interval of the primary metric over the examples (none for an empty set). */
    private static DifferenceInterval confidenceInterval(Evaluation evaluation) {
        if (evaluation.examples().isEmpty()) {
            return null;
        }
        double[] values = evaluation.examples().stream()
                .mapToDouble(e -> e.value() == null ? 0 : e.value()).toArray();
        return PairedBootstrap.meanCi(values, null, PairedBootstrap.MINIMUM_RESAMPLES, CI_SEED, CI_LEVEL);
    }

    /** One model_call row per provider call: what was sent, what came back, tokens, latency and cost. */
    private void recordCalls(long evalRunId, Scored scored) {
        ModelVersion model = scored.model();
        String modelName = model.target().isFineTuned() ? model.target().tunedModel() : model.target().baseModel();
        List<Object[]> rows = new ArrayList<>(scored.examples().size());
        for (int i = 0; i < scored.examples().size(); i++) {
            Completion c = scored.completions().get(i);
            rows.add(new Object[] {evalRunId, model.provider(), modelName, scored.prompt().id(), model.id(),
                    scored.examples().get(i).input(), c.output(), c.promptTokens(), c.completionTokens(),
                    c.latencyMs(), c.costUsd()});
        }
        jdbcTemplate.batchUpdate("""
                insert into model_call (eval_run_id, provider, model, prompt_version_id, model_version_id, input, output,
                                        prompt_tokens, completion_tokens, latency_ms, cost_usd)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    /** A judge's calls are model calls too: logged and priced, of no prompt or model version. */
    private void recordJudgeCalls(long evalRunId, List<JudgeCall> calls) {
        List<Object[]> rows = new ArrayList<>(calls.size());
        for (JudgeCall call : calls) {
            JudgeReply reply = call.reply();
            rows.add(new Object[] {evalRunId, reply.provider(), reply.model(), call.system() + "\n\n" + call.user(),
                    reply.text(), reply.promptTokens(), reply.completionTokens(), reply.latencyMs(), reply.costUsd()});
        }
        jdbcTemplate.batchUpdate("""
                insert into model_call (eval_run_id, purpose, provider, model, input, output, prompt_tokens,
                                        completion_tokens, latency_ms, cost_usd)
                values (?, 'JUDGE', ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    private void recordExamples(long evalRunId, List<Evaluation.ExampleResult> examples) {
        List<Object[]> rows = new ArrayList<>(examples.size());
        for (Evaluation.ExampleResult example : examples) {
            rows.add(new Object[] {evalRunId, example.position(), example.input(), example.expected(),
                    example.output(), example.passed(), example.value(), Jsonb.write(json, example.verdicts()),
                    example.latencyMs(), example.costUsd()});
        }
        jdbcTemplate.batchUpdate("""
                insert into eval_example_result (eval_run_id, position, input, expected, output, passed, value,
                                                 verdicts, latency_ms, cost_usd)
                values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)""", rows);
    }
}
