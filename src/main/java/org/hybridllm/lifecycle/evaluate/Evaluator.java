package org.hybridllm.lifecycle.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import java.util.ArrayList;
import java.math.BigDecimal;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs a model + prompt version on labelled examples through its provider ({@link #score}, no transaction held) and
 * records eval_run / eval_result / model_call ({@link #record}, in the stage's record transaction).
 */
@Service
public class Evaluator {

    public enum Role { PROMPT_ITERATION, CHAMPION, CANDIDATE }

    private final ProviderRegistry providers;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final JdbcTemplate jdbcTemplate;

    public Evaluator(ProviderRegistry providers, JdbcClient jdbc, ObjectMapper json,
                     JdbcTemplate jdbcTemplate) {
        this.jdbcTemplate = jdbcTemplate;
        this.providers = providers;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A model + prompt version's outputs on labelled examples, scored; nothing recorded yet. */
    public record Scored(UseCase useCase, ModelVersion model, PromptVersion prompt, List<LabelledExample> examples,
                         List<Completion> completions, ClassificationMetrics metrics) {
    }

    /** Calls the provider (no transaction is needed or should be held) and scores its outputs. */
    public Scored score(UseCase useCase, ModelVersion model, PromptVersion prompt, List<LabelledExample> examples) {
        ModelRequest request = new ModelRequest(model.target(), prompt.spec(), useCase.labels(),
                examples.stream().map(LabelledExample::input).toList());
        List<Completion> completions = providers.provider(model.provider()).complete(request);
        List<String> predicted = completions.stream().map(Completion::output).toList();
        List<String> expected = examples.stream().map(LabelledExample::label).toList();
        return new Scored(useCase, model, prompt, examples, completions,
                ClassificationMetrics.of(useCase.labelNames(), expected, predicted));
    }

    /** Records a scored evaluation as eval_run, its per-label eval_result rows and one model_call per call. */
    public EvalRunSummary record(UUID runId, Role role, String evalSet, Scored scored) {
        List<Completion> completions = scored.completions();
        ClassificationMetrics metrics = scored.metrics();
        long promptTokens = completions.stream().mapToLong(Completion::promptTokens).sum();
        double[] latencies = completions.stream().mapToDouble(Completion::latencyMs).sorted().toArray();
        Double p50 = latencies.length == 0 ? null : latencies[latencies.length / 2];

        long completionTokens = completions.stream().mapToLong(Completion::completionTokens).sum();
        // a cost only when the provider priced every call (a partial sum would understate it)
        BigDecimal cost = completions.stream().allMatch(c -> c.costUsd() != null)
                ? completions.stream().map(Completion::costUsd).reduce(BigDecimal.ZERO,
                BigDecimal::add) : null;

        long evalRunId = jdbc.sql("""
                        insert into eval_run (run_id, use_case_id, role, model_version_id, prompt_version_id, eval_set,
                                              examples, accuracy, macro_f1, prompt_tokens, latency_ms_p50, confusion,
                                              completion_tokens, cost_usd)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning id""")
                .params(runId, scored.useCase().id(), role.name(), scored.model().id(), scored.prompt().id(), evalSet,
                        metrics.examples(), metrics.accuracy(), metrics.macroF1(), promptTokens, p50,
                        Jsonb.write(json, metrics.confusion()), completionTokens, cost)
                .query(Long.class)
                .single();
        recordCalls(evalRunId, scored.model(), scored.prompt(),
                scored.examples().stream().map(LabelledExample::input).toList(), completions);
        for (ClassificationMetrics.LabelMetrics label : metrics.perLabel()) {
            jdbc.sql("""
                            insert into eval_result (eval_run_id, label, precision, recall, f1, support)
                            values (?, ?, ?, ?, ?, ?)""")
                    .params(evalRunId, label.label(), label.precision(), label.recall(), label.f1(), label.support())
                    .update();
        }
        int examples = scored.examples().size();
        double tokensPerCall = examples == 0 ? 0 : (double) promptTokens / examples;
        return new EvalRunSummary(evalRunId, scored.model().id(), scored.prompt().id(), metrics.examples(),
                metrics.accuracy(), metrics.macroF1(), tokensPerCall);
    }

    /** One model_call row per provider call: what was sent, what came back, tokens, latency and cost. */
    private void recordCalls(long evalRunId, ModelVersion model, PromptVersion prompt, List<String> inputs,
                             List<Completion> completions) {
        String modelName = model.target().isFineTuned() ? model.target().tunedModel() : model.target().baseModel();
        List<Object[]> rows = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Completion c = completions.get(i);
            rows.add(new Object[] {evalRunId, model.provider(), modelName, prompt.id(), model.id(), inputs.get(i),
                    c.output(), c.promptTokens(), c.completionTokens(), c.latencyMs(), c.costUsd()});
        }
        jdbcTemplate.batchUpdate("""
                insert into model_call (eval_run_id, provider, model, prompt_version_id, model_version_id, input, output,
                                        prompt_tokens, completion_tokens, latency_ms, cost_usd)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }
}
