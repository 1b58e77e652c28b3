package org.hybridllm.lifecycle.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What recorded evaluation runs found: per-label metrics, scorer summaries and per-example results. */
@Repository
public class EvalResults {

    private static final TypeReference<List<Map<String, Object>>> VERDICTS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> METRICS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Map<String, Integer>>> CONFUSION = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public EvalResults(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public List<ClassificationMetrics.LabelMetrics> perLabel(long evalRunId) {
        return jdbc.sql("select label, precision, recall, f1, support from eval_result where eval_run_id = ? order by label")
                .param(evalRunId)
                .query((rs, i) -> new ClassificationMetrics.LabelMetrics(rs.getString("label"),
                        rs.getDouble("precision"), rs.getDouble("recall"), rs.getDouble("f1"), rs.getInt("support")))
                .list();
    }

    /** An evaluation run's summaries: primary metric, per-scorer pass rates and means, extraction's field table. */
    public Map<String, Object> metrics(long evalRunId) {
        return read(jdbc.sql("select metrics from eval_run where id = ?").param(evalRunId).query(String.class)
                .single(), METRICS);
    }

    /** One example as the candidate and the champion answered it, with every scorer's verdict on each. */
    public record SideBySide(int position, String input, String expected, String candidateOutput,
                             boolean candidatePassed, List<Map<String, Object>> candidateVerdicts,
                             String championOutput, Boolean championPassed,
                             List<Map<String, Object>> championVerdicts) {
    }

    /** Which of the candidate's examples a review lists. */
    public enum ExampleFilter {
        /** the candidate failed them */
        FAILING,
        /** the champion and the candidate differ: one passed and the other not, or their outputs differ */
        CHANGED,
        ALL
    }

    private static final String FILTERED = """
            where c.eval_run_id = ?
              and (? = 'ALL'
                   or (? = 'FAILING' and not c.passed)
                   or (? = 'CHANGED' and (c.passed is distinct from p.passed or c.output is distinct from p.output)))
            """;

    /**
     * The candidate's examples (only those it failed, if asked) beside the champion's answers to the same
     * examples, in example order. Both were evaluated on the same examples in the same order.
     */
    public List<SideBySide> sideBySide(long candidateEvalRunId, long championEvalRunId, boolean failuresOnly,
                                       int offset, int limit) {
        return sideBySide(candidateEvalRunId, championEvalRunId,
                failuresOnly ? ExampleFilter.FAILING : ExampleFilter.ALL, offset, limit);
    }

    public List<SideBySide> sideBySide(long candidateEvalRunId, long championEvalRunId, ExampleFilter filter,
                                       int offset, int limit) {
        return jdbc.sql("""
                        select c.position, c.input, c.expected, c.output, c.passed, c.verdicts,
                               p.output as champion_output, p.passed as champion_passed, p.verdicts as champion_verdicts
                        from eval_example_result c
                        left join eval_example_result p on p.eval_run_id = ? and p.position = c.position
                        """ + FILTERED + " order by c.position offset ? limit ?")
                .params(championEvalRunId, candidateEvalRunId, filter.name(), filter.name(), filter.name(), offset,
                        limit)
                .query((rs, i) -> new SideBySide(rs.getInt("position"), rs.getString("input"),
                        rs.getString("expected"), rs.getString("output"), rs.getBoolean("passed"),
                        read(rs.getString("verdicts"), VERDICTS), rs.getString("champion_output"),
                        (Boolean) rs.getObject("champion_passed"),
                        rs.getString("champion_verdicts") == null ? List.of()
                                : read(rs.getString("champion_verdicts"), VERDICTS)))
                .list();
    }

    /** How many of the candidate's examples the filter lists. */
    public long count(long candidateEvalRunId, long championEvalRunId, ExampleFilter filter) {
        return jdbc.sql("""
                        select count(*) from eval_example_result c
                        left join eval_example_result p on p.eval_run_id = ? and p.position = c.position
                        """ + FILTERED)
                .params(championEvalRunId, candidateEvalRunId, filter.name(), filter.name(), filter.name())
                .query(Long.class).single();
    }

    /** A classification run's confusion matrix: expected label → predicted label → examples. */
    public Map<String, Map<String, Integer>> confusion(long evalRunId) {
        return read(jdbc.sql("select confusion from eval_run where id = ?").param(evalRunId).query(String.class)
                .single(), CONFUSION);
    }

    /**
     * One rubric criterion over a run: the examples the judge answered usably on it ({@code judged}) and those
     * whose reply met it.
     */
    public record CriterionCount(String criterion, int judged, int passed) {
    }

    /** Per rubric criterion, from the llm-rubric verdicts' details, in name order. */
    public List<CriterionCount> criteria(long evalRunId) {
        return jdbc.sql("""
                        select c ->> 'name' as criterion,
                               count(*) filter (where (c ->> 'readable')::boolean) as judged,
                               count(*) filter (where (c ->> 'readable')::boolean and (c ->> 'pass')::boolean) as passed
                        from eval_example_result r
                        cross join lateral jsonb_array_elements(r.verdicts) v
                        cross join lateral jsonb_array_elements(coalesce(v -> 'details' -> 'criteria', '[]'::jsonb)) c
                        where r.eval_run_id = ? and v ->> 'type' = 'llm-rubric'
                        group by 1 order by 1""")
                .param(evalRunId)
                .query((rs, i) -> new CriterionCount(rs.getString("criterion"), rs.getInt("judged"),
                        rs.getInt("passed")))
                .list();
    }

    /**
     * What a run's calls took and cost per example: latency median and 95th percentile (continuous percentiles,
     * over the examples with a latency), mean cost per call over the priced ones; null where none was recorded.
     */
    public record CallStats(long examples, Double latencyP50Ms, Double latencyP95Ms, long pricedCalls,
                            Double costPerCallUsd) {
    }

    public CallStats callStats(long evalRunId) {
        return jdbc.sql("""
                        select count(*) as examples,
                               percentile_cont(0.5) within group (order by latency_ms) as p50,
                               percentile_cont(0.95) within group (order by latency_ms) as p95,
                               count(cost_usd) as priced, avg(cost_usd) as cost
                        from eval_example_result where eval_run_id = ?""")
                .param(evalRunId)
                .query((rs, i) -> new CallStats(rs.getLong("examples"), rs.getObject("p50", Double.class),
                        rs.getObject("p95", Double.class), rs.getLong("priced"),
                        rs.getBigDecimal("cost") == null ? null : rs.getBigDecimal("cost").doubleValue()))
                .single();
    }

    /**
     * The outputs, in example order, of the run's latest evaluation of a model + prompt on a set, if it has one
     * (a stage reuses them rather than asking the model the same questions again).
     */
    public Optional<List<String>> outputs(UUID runId, String evalSet, long modelVersionId, long promptVersionId) {
        return latestEvalRun(runId, evalSet, modelVersionId, promptVersionId).map(id -> jdbc.sql("select output from eval_example_result where eval_run_id = ? order by position")
                .param(id).query(String.class).list());
    }

    /**
     * One example of an evaluation run as a paired comparison reads it: its expected output, its part in the primary
     * metric ({@code passed}, {@code value}: 1/0 or a share), every scorer's verdict, and what the call took.
     */
    public record ExampleOutcome(int position, String expected, boolean passed, Double value,
                                 List<Map<String, Object>> verdicts, Double latencyMs, BigDecimal costUsd) {
    }

    /** Every example of an evaluation run, in example order (champion and candidate pair by position). */
    public List<ExampleOutcome> exampleOutcomes(long evalRunId) {
        return jdbc.sql("""
                        select position, expected, passed, value, verdicts, latency_ms, cost_usd
                        from eval_example_result where eval_run_id = ? order by position""")
                .param(evalRunId)
                .query((rs, i) -> {
                    BigDecimal value = rs.getBigDecimal("value");
                    BigDecimal latency = rs.getBigDecimal("latency_ms");
                    return new ExampleOutcome(rs.getInt("position"), rs.getString("expected"),
                            rs.getBoolean("passed"), value == null ? null : value.doubleValue(),
                            read(rs.getString("verdicts"), VERDICTS), latency == null ? null : latency.doubleValue(),
                            rs.getBigDecimal("cost_usd"));
                })
                .list();
    }

    /** An evaluation run's summary: what was evaluated, on how many examples, and its primary metric. */
    public Optional<EvalRunSummary> summary(long evalRunId) {
        return jdbc.sql("""
                        select id, model_version_id, prompt_version_id, examples, primary_metric, primary_value,
                               macro_f1, prompt_tokens
                        from eval_run where id = ?""")
                .param(evalRunId)
                .query((rs, i) -> {
                    BigDecimal macroF1 = rs.getBigDecimal("macro_f1");
                    int examples = rs.getInt("examples");
                    return new EvalRunSummary(rs.getLong("id"), rs.getLong("model_version_id"),
                            rs.getLong("prompt_version_id"), examples, rs.getString("primary_metric"),
                            rs.getBigDecimal("primary_value").doubleValue(),
                            macroF1 == null ? null : macroF1.doubleValue(),
                            examples == 0 ? 0 : (double) rs.getLong("prompt_tokens") / examples);
                })
                .optional();
    }

    /** The run's latest evaluation of a model + prompt on a set (e.g. the curated set), if it has one. */
    public Optional<Long> latestEvalRun(UUID runId, String evalSet, long modelVersionId, long promptVersionId) {
        return jdbc.sql("""
                        select id from eval_run where run_id = ? and eval_set = ? and model_version_id = ?
                           and prompt_version_id = ? order by id desc limit 1""")
                .params(runId, evalSet, modelVersionId, promptVersionId).query(Long.class).optional();
    }

    /**
     * What a request cost and took in an evaluation run: its calls' cost over its examples (judge calls are the
     * evaluation's own cost, not the model's: not counted), and the examples' p95 latency.
     */
    public ServingCost servingCost(long evalRunId) {
        return jdbc.sql("""
                        select r.examples, r.cost_usd, m.model,
                               (select percentile_disc(0.95) within group (order by e.latency_ms)
                                from eval_example_result e where e.eval_run_id = r.id) as p95
                        from eval_run r
                        left join lateral (select c.model from model_call c where c.eval_run_id = r.id
                                           and c.purpose = 'EVALUATION' limit 1) m on true
                        where r.id = ?""")
                .param(evalRunId)
                .query((rs, i) -> {
                    int examples = rs.getInt("examples");
                    BigDecimal cost = rs.getBigDecimal("cost_usd");
                    BigDecimal p95 = rs.getBigDecimal("p95");
                    String unknown = cost != null && examples > 0 ? null : examples == 0
                            ? "eval run " + evalRunId + " has no examples"
                            : "the provider did not price every call of eval run " + evalRunId + " (model "
                            + rs.getString("model") + "): configure its prices";
                    return new ServingCost(evalRunId, examples,
                            unknown == null ? cost.doubleValue() / examples : null, unknown,
                            p95 == null ? null : p95.doubleValue());
                })
                .single();
    }

    /** How many examples the candidate failed. */
    public long failures(long candidateEvalRunId) {
        return jdbc.sql("select count(*) from eval_example_result where eval_run_id = ? and not passed")
                .param(candidateEvalRunId).query(Long.class).single();
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("eval results hold invalid JSON", e);
        }
    }
}
