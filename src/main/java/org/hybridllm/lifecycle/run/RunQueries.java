package org.hybridllm.lifecycle.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Page;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import java.time.Duration;

/** The read side of a run: one view assembled from the tracking tables. */
@Repository
public class RunQueries {

    /** The job type of the stage that computes break-even (run_stage.stage, with {@code @r<n>} per revision). */
    static final String COMPARE_STAGE = "lifecycle.evaluate.compare";

    private final RunRepository runs;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public RunQueries(RunRepository runs, JdbcClient jdbc, ObjectMapper json) {
        this.runs = runs;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A page of the runs the filter matches, newest first (GET /api/runs and the console's runs list). */
    public Page<RunSummary> list(RunFilter filter, Page.PageRequest page) {
        return Page.of(runs.findPage(filter, page.offset(), page.size()).stream().map(RunSummary::of).toList(),
                page, runs.count(filter));
    }

    public Optional<RunView> view(UUID id) {
        return runs.find(id).map(this::view);
    }

    /**
     * Each role on each set, the latest evaluation of it; the best prompt iteration is the baseline on the
     * evaluation set.
     */
    private List<RunView.Evaluation> pairedEvaluations(UUID runId) {
        Map<String, RunView.Evaluation> byKey = new TreeMap<>();
        List<RunView.Evaluation> curated = new ArrayList<>();
        Map<String, Integer> order = Map.of("BASELINE", 0, "CHAMPION", 1, "CANDIDATE", 2);
        jdbc.sql("""
                        select id, role, eval_set, model_version_id, prompt_version_id, examples, primary_metric,
                               primary_value, ci_low, ci_high
                        from eval_run where run_id = ? order by id""")
                .param(runId)
                .query((rs, i) -> {
                    String set = rs.getString("eval_set").equals("eval-set") ? "eval-set" : "test-split";
                    String role = rs.getString("role").equals("PROMPT_ITERATION") ? "BASELINE" : rs.getString("role");
                    BigDecimal low = rs.getBigDecimal("ci_low");
                    BigDecimal high = rs.getBigDecimal("ci_high");
                    return new RunView.Evaluation(set, role, rs.getString("primary_metric"),
                            rs.getDouble("primary_value"), low == null || high == null ? null
                            : List.of(low.doubleValue(), high.doubleValue()), rs.getInt("examples"), rs.getLong("id"),
                            rs.getLong("model_version_id"), rs.getLong("prompt_version_id"));
                })
                .list()
                .forEach(e -> {
                    if (e.set().equals("eval-set")) {
                        curated.add(e);
                    }
                    String key = (e.set().equals("eval-set") ? "0" : "1") + order.get(e.role());
                    boolean iteration = e.role().equals("BASELINE") && e.set().equals("eval-set");
                    // prompt iterations: the best is the baseline; any other role: the latest evaluation
                    byKey.merge(key, e, (a, b) -> iteration && a.primary() >= b.primary() ? a : b);
                });
        // the champion is the baseline itself (its first run): its test-split evaluation is the baseline's, not
        // evaluated twice
        RunView.Evaluation baseline = byKey.get("00");
        RunView.Evaluation champion = byKey.get("11");
        if (!byKey.containsKey("10") && baseline != null && champion != null
                && baseline.modelVersionId() == champion.modelVersionId()
                && baseline.promptVersionId() == champion.promptVersionId()) {
            byKey.put("10", new RunView.Evaluation(champion.set(), "BASELINE", champion.primaryMetric(),
                    champion.primary(), champion.ci(), champion.examples(), champion.evalRunId(),
                    champion.modelVersionId(), champion.promptVersionId()));
        }
        // likewise the champion's evaluation on the curated set, scored earlier in the run under another role
        if (!byKey.containsKey("01") && champion != null) {
            curated.stream().filter(e -> e.modelVersionId() == champion.modelVersionId()
                            && e.promptVersionId() == champion.promptVersionId())
                    .reduce((first, second) -> second)
                    .ifPresent(e -> byKey.put("01", new RunView.Evaluation(e.set(), "CHAMPION", e.primaryMetric(),
                            e.primary(), e.ci(), e.examples(), e.evalRunId(), e.modelVersionId(),
                            e.promptVersionId())));
        }
        return List.copyOf(byKey.values());
    }

    /** The evaluate stage's break-even, of the run's latest revision that got that far. */
    private Map<String, Object> breakEven(UUID runId) {
        return jdbc.sql("""
                        select output->'breakEven' from run_stage
                        where run_id = ? and (stage = ? or stage like ?) and output->'breakEven' is not null
                        order by completed_at desc limit 1""")
                .params(runId, COMPARE_STAGE, COMPARE_STAGE + "@r%")
                .query(String.class).optional()
                .map(text -> {
                    try {
                        return json.readValue(text, new TypeReference<Map<String, Object>>() { });
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("run_stage.output holds invalid JSON", e);
                    }
                })
                .orElse(null);
    }

    private static RunView.RunMetrics metrics(Map<String, RunView.Metrics> evaluations) {
        RunView.Metrics baseline = evaluations.get("baseline");
        RunView.Metrics champion = evaluations.get("champion");
        RunView.Metrics candidate = evaluations.get("candidate");
        RunView.Primary primary = baseline == null ? null : new RunView.Primary(baseline.primaryMetric(),
                baseline.primary(), champion == null ? null : champion.primary(),
                candidate == null ? null : candidate.primary());
        return new RunView.RunMetrics(primary, baseline, champion, candidate);
    }

    private static Double doubleOrNull(BigDecimal value) {
        return value == null ? null : value.doubleValue();
    }

    private Map<String, Object> scores(String metrics) {
        try {
            Map<String, Object> all = json.readValue(metrics, new TypeReference<>() { });
            all.remove("primary"); // shown beside the others, in the view's own fields
            return all;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("eval_run.metrics is not JSON", e);
        }
    }

    private Map<String, Object> jsonObject(String text) {
        try {
            return json.readValue(text, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("gate_result.details is not JSON", e);
        }
    }

    private RunView view(LifecycleRun run) {
        UUID id = run.id();
        List<RunView.Stage> stages = jdbc.sql("""
                        select stage, started_at, completed_at from run_stage where run_id = ? order by completed_at""")
                .param(id)
                .query((rs, i) -> {
                    OffsetDateTime started = rs.getObject("started_at", OffsetDateTime.class);
                    OffsetDateTime completed = rs.getObject("completed_at", OffsetDateTime.class);
                    return new RunView.Stage(rs.getString("stage"), started, completed,
                            Duration.between(started, completed).toMillis());
                })
                .list();
        List<RunView.ApprovalSummary> approvals = jdbc.sql("""
                        select a.id, a.gate_type, a.status, a.requested_by, a.decided_by, a.decided_at, a.comment,
                               a.created_at, a.required_approvals,
                               array(select v.reviewer from approval_vote v
                                     where v.approval_id = a.id and v.decision = 'APPROVE' order by v.id) as approved_by
                        from approval a where a.run_id = ? order by a.created_at""")
                .param(id)
                .query((rs, i) -> new RunView.ApprovalSummary(rs.getObject("id", UUID.class), rs.getString("gate_type"),
                        rs.getString("status"), rs.getString("requested_by"), rs.getString("decided_by"),
                        rs.getObject("decided_at", OffsetDateTime.class), rs.getString("comment"),
                        rs.getObject("created_at", OffsetDateTime.class), rs.getInt("required_approvals"),
                        List.of((String[]) rs.getArray("approved_by").getArray())))
                .list();
        List<RunView.ApprovalSummary> pending = approvals.stream().filter(a -> a.status().equals("PENDING")).toList();

        Map<String, RunView.Metrics> evaluations = new LinkedHashMap<>();
        jdbc.sql("""
                        select id, role, eval_set, model_version_id, prompt_version_id, examples, primary_metric,
                               primary_value, accuracy, macro_f1, prompt_tokens, completion_tokens, cost_usd, metrics
                        from eval_run where run_id = ? order by id""")
                .param(id)
                .query((rs, i) -> Map.entry(rs.getString("role"), new RunView.Metrics(rs.getLong("id"),
                        rs.getString("eval_set"), rs.getLong("model_version_id"), rs.getLong("prompt_version_id"),
                        rs.getInt("examples"), rs.getString("primary_metric"), rs.getDouble("primary_value"),
                        doubleOrNull(rs.getBigDecimal("accuracy")), doubleOrNull(rs.getBigDecimal("macro_f1")),
                        rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getBigDecimal("cost_usd"),
                        scores(rs.getString("metrics")))))
                .list()
                .forEach(entry -> {
                    switch (entry.getKey()) {
                        // the baseline is the best prompt iteration on the evaluation set
                        case "PROMPT_ITERATION" -> evaluations.merge("baseline", entry.getValue(),
                                (a, b) -> b.primary() > a.primary() ? b : a);
                        case "CHAMPION" -> evaluations.put("champion", entry.getValue());
                        case "CANDIDATE" -> evaluations.put("candidate", entry.getValue());
                        default -> { }
                    }
                });
        RunView.RunMetrics metrics = metrics(evaluations);
        List<RunView.Evaluation> paired = pairedEvaluations(id);
        RunView.Decision decision = jdbc.sql("select decision, rationale from decision where run_id = ? order by revision desc limit 1")
                .param(id)
                .query((rs, i) -> new RunView.Decision(rs.getString(1), rs.getString(2)))
                .optional().orElse(null);
        RunView.Serving serving = jdbc.sql("""
                        select m.id, count(i.id) as calls, coalesce(sum(i.prompt_tokens), 0) as prompt_tokens,
                               coalesce(sum(i.completion_tokens), 0) as completion_tokens, sum(i.cost_usd) as cost,
                               coalesce(sum(i.saved_prompt_tokens), 0) as saved,
                               avg(i.saved_prompt_tokens)::float8 as saved_per_call
                        from model_version m join fine_tune_job j on j.id = m.fine_tune_job_id
                        left join interaction i on i.model_version_id = m.id and i.call_id is not null
                        where j.run_id = ? group by m.id order by m.id desc limit 1""")
                .param(id)
                .query((rs, i) -> new RunView.Serving(rs.getLong("id"), rs.getLong("calls"),
                        rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getBigDecimal("cost"),
                        rs.getLong("saved"), (Double) rs.getObject("saved_per_call", Double.class)))
                .optional().orElse(null);
        List<RunView.ArtifactSummary> artifacts = jdbc.sql("""
                        select a.id, a.kind, a.uri, a.sha256, a.bytes,
                               coalesce(array_agg(p.parent_artifact_id order by p.parent_artifact_id)
                                        filter (where p.parent_artifact_id is not null), '{}') as parents
                        from artifact a left join artifact_parent p on p.artifact_id = a.id
                        where a.run_id = ? group by a.id order by a.id""")
                .param(id)
                .query((rs, i) -> new RunView.ArtifactSummary(rs.getLong("id"), rs.getString("kind"),
                        rs.getString("uri"), rs.getString("sha256"), rs.getLong("bytes"),
                        List.of((Long[]) rs.getArray("parents").getArray())))
                .list();
        Map<String, Object> breakEven = breakEven(id);
        stages = stages.stream().sorted(Comparator.comparing(RunView.Stage::completedAt)).toList();
        Map<String, Object> gate = jdbc.sql("""
                        select details::text from gate_result where run_id = ? order by revision desc, id desc limit 1""")
                .param(id).query(String.class).optional().map(this::jsonObject).orElse(null);
        return new RunView(id, run.useCaseKey(), run.status(), run.outcome(), run.failureReason(), run.startedBy(),
                run.requesterVerified(), run.attempt(), run.processInstanceKey(), run.createdAt(), run.finishedAt(),
                stages, pending, approvals, metrics, paired, decision, artifacts, serving, leakage(id), gate, breakEven,
                taint(id, run.useCaseId()), drift(id));
    }

    /** Whether the model the run trained is TAINTED (false when it trained none). */
    public boolean candidateTainted(UUID runId) {
        return jdbc.sql("""
                        select coalesce(bool_or(m.tainted), false) from model_version m
                        join fine_tune_job j on j.id = m.fine_tune_job_id where j.run_id = ?""")
                .param(runId).query(Boolean.class).single();
    }

    /** The run's dataset, candidate and the use case's champion, each with its taint (right to erasure). */
    public RunView.Taint taint(UUID runId, long useCaseId) {
        record Flag(Long id, boolean tainted) {
        }
        Flag dataset = jdbc.sql("""
                        select d.id, d.tainted from dataset_version d where d.id = (
                            select e.entity_id::bigint from audit_event e
                            where e.run_id = ? and e.entity_type = 'dataset_version'
                              and e.action in ('DATASET_REGISTERED', 'DATASET_REUSED')
                            order by e.id desc limit 1)""")
                .param(runId).query((rs, i) -> new Flag(rs.getLong(1), rs.getBoolean(2))).optional()
                .orElse(new Flag(null, false));
        Flag candidate = jdbc.sql("""
                        select m.id, m.tainted from model_version m join fine_tune_job j on j.id = m.fine_tune_job_id
                        where j.run_id = ? order by m.id desc limit 1""")
                .param(runId).query((rs, i) -> new Flag(rs.getLong(1), rs.getBoolean(2))).optional()
                .orElse(new Flag(null, false));
        Flag champion = jdbc.sql("""
                        select m.id, m.tainted from model_alias a join model_version m on m.id = a.model_version_id
                        where a.use_case_id = ? and a.alias = 'champion'""")
                .param(useCaseId).query((rs, i) -> new Flag(rs.getLong(1), rs.getBoolean(2))).optional()
                .orElse(new Flag(null, false));
        return new RunView.Taint(dataset.id(), dataset.tainted(), candidate.id(), candidate.tainted(), champion.id(),
                champion.tainted());
    }

    /** The drift evidence the run was started with (monitor check or drift.alert webhook); null otherwise. */
    public Map<String, Object> drift(UUID runId) {
        return jdbc.sql("select drift::text from lifecycle_run where id = ? and drift is not null")
                .param(runId).query(String.class).optional().map(this::jsonObject).orElse(null);
    }

    /** The dataset version the run's dataset stage built (not one it reused), if it built one. */
    public Optional<Long> builtDatasetVersion(UUID runId) {
        return jdbc.sql("select id from dataset_version where run_id = ?").param(runId).query(Long.class).optional();
    }

    /**
     * The leakage of the split the run's dataset stage built or reused (the latest registration in its audit
     * trail), in the dataset API's shape; null before the dataset stage or for a version built before V18.
     */
    private Map<String, Object> leakage(UUID runId) {
        return jdbc.sql("""
                        select d.leakage_method, d.leakage_threshold, d.near_duplicate_groups, d.near_duplicate_rows,
                               d.near_duplicates_across_splits, d.test_overlap_rate, d.leakage_flag_threshold,
                               d.leakage_test_rows_checked, d.large_groups_to_train
                        from dataset_version d
                        where d.leakage_method is not null and d.id = (
                            select e.entity_id::bigint from audit_event e
                            where e.run_id = ? and e.entity_type = 'dataset_version'
                              and e.action in ('DATASET_REGISTERED', 'DATASET_REUSED')
                            order by e.id desc limit 1)""")
                .param(runId)
                .query((rs, i) -> {
                    double rate = rs.getBigDecimal("test_overlap_rate").doubleValue();
                    double flagThreshold = rs.getBigDecimal("leakage_flag_threshold").doubleValue();
                    Map<String, Object> leakage = new LinkedHashMap<>();
                    leakage.put("method", rs.getString("leakage_method"));
                    leakage.put("threshold", rs.getBigDecimal("leakage_threshold").doubleValue());
                    leakage.put("groups", rs.getInt("near_duplicate_groups"));
                    leakage.put("groupedRows", rs.getInt("near_duplicate_rows"));
                    leakage.put("nearDuplicatesAcrossSplits", rs.getInt("near_duplicates_across_splits"));
                    leakage.put("testOverlapRate", rate);
                    leakage.put("flagThreshold", flagThreshold);
                    leakage.put("flagged", rate > flagThreshold);
                    leakage.put("testRowsChecked", rs.getInt("leakage_test_rows_checked"));
                    leakage.put("largeGroupsToTrain", rs.getInt("large_groups_to_train"));
                    return leakage;
                })
                .optional().orElse(null);
    }
}
