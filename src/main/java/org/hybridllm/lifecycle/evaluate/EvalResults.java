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

    /**
     * The candidate's examples (only those it failed, if asked) beside the champion's answers to the same
     * examples, in example order. Both were evaluated on the same examples in the same order.
     */
    public List<SideBySide> sideBySide(long candidateEvalRunId, long championEvalRunId, boolean failuresOnly,
                                       int offset, int limit) {
        return jdbc.sql("""
                        select c.position, c.input, c.expected, c.output, c.passed, c.verdicts,
                               p.output as champion_output, p.passed as champion_passed, p.verdicts as champion_verdicts
                        from eval_example_result c
                        left join eval_example_result p on p.eval_run_id = ? and p.position = c.position
                        where c.eval_run_id = ? and (not ? or not c.passed)
                        order by c.position offset ? limit ?""")
                .params(championEvalRunId, candidateEvalRunId, failuresOnly, offset, limit)
                .query((rs, i) -> new SideBySide(rs.getInt("position"), rs.getString("input"),
                        rs.getString("expected"), rs.getString("output"), rs.getBoolean("passed"),
                        read(rs.getString("verdicts"), VERDICTS), rs.getString("champion_output"),
                        (Boolean) rs.getObject("champion_passed"),
                        rs.getString("champion_verdicts") == null ? List.of()
                                : read(rs.getString("champion_verdicts"), VERDICTS)))
                .list();
    }

    /**
     * The outputs, in example order, of the run's latest evaluation of a model + prompt on a set, if it has one
     * (a stage reuses them rather than asking the model the same questions again).
     */
    public Optional<List<String>> outputs(UUID runId, String evalSet, long modelVersionId, long promptVersionId) {
        return latestEvalRun(runId, evalSet, modelVersionId, promptVersionId).map(id -> jdbc.sql("select output from eval_example_result where eval_run_id = ? order by position")
                .param(id).query(String.class).list());
    }

    /** The run's latest evaluation of a model + prompt on a set, if it has one. */
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
