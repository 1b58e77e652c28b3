package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.FieldRule;
import org.hybridllm.lifecycle.scoring.RubricCriterion;
import org.hybridllm.lifecycle.scoring.ScorerSpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Use cases, their versioned output contracts (the latest is the use case's) and their evaluation sets. */
@Repository
public class UseCaseRepository {

    private static final TypeReference<List<LabelSpec>> LABELS = new TypeReference<>() { };
    private static final TypeReference<Map<String, FieldRule>> FIELD_RULES = new TypeReference<>() { };
    private static final TypeReference<List<RubricCriterion>> RUBRIC = new TypeReference<>() { };
    private static final TypeReference<List<ScorerSpec>> SCORERS = new TypeReference<>() { };

    private static final String SELECT = """
            select u.*, c.version as contract_version, c.labels, c.output_schema, c.field_rules, c.rubric, c.scorers,
                   c.judge
              from use_case u
              join lateral (select * from use_case_contract c where c.use_case_id = u.id
                            order by c.version desc limit 1) c on true
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public UseCaseRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<UseCase> findByKey(String key) {
        return jdbc.sql(SELECT + " where u.key = ?").param(key).query(this::map).optional();
    }

    /** The id of the use case with this key: one index look-up, without the contract (hot paths: the intake). */
    public Optional<Long> idOf(String key) {
        return jdbc.sql("select id from use_case where key = ?").param(key).query(Long.class).optional();
    }

    /** The use case with this key, or a 404 problem naming it. */
    public UseCase require(String key) {
        return findByKey(key).orElseThrow(() -> ApiProblems.notFound("use-case", key));
    }

    public UseCase get(long id) {
        return jdbc.sql(SELECT + " where u.id = ?").param(id).query(this::map).single();
    }

    /** When the use case was created (the gateway reports it as its model's {@code created}). */
    public Instant createdAt(long useCaseId) {
        return jdbc.sql("select created_at from use_case where id = ?").param(useCaseId)
                .query(OffsetDateTime.class).single().toInstant();
    }

    public List<UseCase> findAll() {
        return jdbc.sql(SELECT + " order by u.key").query(this::map).list();
    }

    /** What a new use case is made of, its contract included. */
    public record NewUseCase(String key, String name, String description, OutputContract contract,
                             double targetAccuracy, int minLabelledExamples, double plateauDelta, String provider,
                             String baseModel, String fineTuner, Double minimumGain,
                             Integer monthlyRequests) {
    }

    /** Inserts a new use case and its contract's first version; an existing key is a DuplicateKeyException. */
    public UseCase insert(NewUseCase useCase, String createdBy) {
        long id = jdbc.sql("""
                        insert into use_case (key, name, description, task, target_accuracy, min_labelled_examples,
                                              plateau_delta, provider, base_model, fine_tuner, minimum_gain,
                                              monthly_requests)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""")
                .params(useCase.key(), useCase.name(), useCase.description(), useCase.contract().task().name(),
                        useCase.targetAccuracy(), useCase.minLabelledExamples(), useCase.plateauDelta(),
                        useCase.provider(), useCase.baseModel(), useCase.fineTuner(), useCase.minimumGain(),
                        useCase.monthlyRequests())
                .query(Long.class).single();
        insertContract(id, 1, useCase.contract(), createdBy);
        return get(id);
    }

    /** Inserts the use case unless one with the same key exists; returns the stored one either way. */
    public UseCase insertIfAbsent(NewUseCase useCase, String createdBy) {
        Optional<UseCase> existing = findByKey(useCase.key());
        return existing.orElseGet(() -> insert(useCase, createdBy));
    }

    /** Stores a new version of the use case's contract (same task kind) and returns the use case with it. */
    public UseCase addContractVersion(long useCaseId, OutputContract contract, String createdBy) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('use_case_contract'), ?::int)").param((int) useCaseId)
                .query((rs, i) -> 1).list();
        int next = jdbc.sql("select coalesce(max(version), 0) + 1 from use_case_contract where use_case_id = ?")
                .param(useCaseId).query(Integer.class).single();
        insertContract(useCaseId, next, contract, createdBy);
        return get(useCaseId);
    }

    private void insertContract(long useCaseId, int version, OutputContract contract, String createdBy) {
        jdbc.sql("""
                        insert into use_case_contract (use_case_id, version, labels, output_schema, field_rules, rubric,
                                                       scorers, judge, created_by)
                        values (?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?)""")
                .params(useCaseId, version, Jsonb.write(json, contract.labels()),
                        contract.outputSchema() == null ? null : contract.outputSchema().toString(),
                        Jsonb.write(json, contract.fieldRules()), Jsonb.write(json, contract.rubric()),
                        Jsonb.write(json, contract.scorers()),
                        contract.judge() == null ? null : Jsonb.write(json, contract.judge()), createdBy)
                .update();
    }

    /** Sets (or, with null, clears) the requests a month the use case's owner expects. */
    public UseCase declareMonthlyRequests(long useCaseId, Integer monthlyRequests) {
        jdbc.sql("update use_case set monthly_requests = ? where id = ?").params(monthlyRequests, useCaseId).update();
        return get(useCaseId);
    }

    /** A use case's retention period for interactions and feedback (ISO-8601, e.g. P365D or P1Y); null: kept. */
    public record Retention(long useCaseId, String key, String period) {
    }

    /** Sets (or, with null, clears) how long the use case's interactions and feedback are kept. */
    public void setRetention(long useCaseId, String period) {
        jdbc.sql("update use_case set retention_period = ? where id = ?").params(period, useCaseId).update();
    }

    public Retention retention(long useCaseId) {
        return jdbc.sql("select id, key, retention_period from use_case where id = ?").param(useCaseId)
                .query((rs, i) -> new Retention(rs.getLong(1), rs.getString(2), rs.getString(3))).single();
    }

    /** Every use case that has a retention period, by id. */
    public List<Retention> withRetention() {
        return jdbc.sql("select id, key, retention_period from use_case where retention_period is not null order by id")
                .query((rs, i) -> new Retention(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
    }

    /** One example of the evaluation set: an input and its expected output (a label, a JSON text or a text). */
    public record EvalExample(String input, String expected) {
    }

    public List<EvalExample> evalSet(long useCaseId) {
        return jdbc.sql("select input, expected from eval_example where use_case_id = ? order by id")
                .param(useCaseId)
                .query((rs, i) -> new EvalExample(rs.getString("input"), rs.getString("expected")))
                .list();
    }

    public void addEvalExample(long useCaseId, String input, String expected) {
        jdbc.sql("insert into eval_example (use_case_id, input, expected) values (?, ?, ?) on conflict do nothing")
                .params(useCaseId, input, expected)
                .update();
    }

    private UseCase map(ResultSet rs, int row) throws SQLException {
        try {
            TaskKind task = TaskKind.valueOf(rs.getString("task"));
            String schema = rs.getString("output_schema");
            String judge = rs.getString("judge");
            OutputContract contract = new OutputContract(rs.getInt("contract_version"), task,
                    json.readValue(rs.getString("labels"), LABELS),
                    schema == null ? null : json.readTree(schema),
                    json.readValue(rs.getString("field_rules"), FIELD_RULES),
                    json.readValue(rs.getString("rubric"), RUBRIC),
                    json.readValue(rs.getString("scorers"), SCORERS),
                    judge == null ? null : json.readValue(judge, JudgeSpec.class));
            return new UseCase(rs.getLong("id"), rs.getString("key"), rs.getString("name"),
                    rs.getString("description"), task, contract, rs.getDouble("target_accuracy"),
                    rs.getInt("min_labelled_examples"), rs.getDouble("plateau_delta"), rs.getString("provider"),
                    rs.getString("base_model"), rs.getString("fine_tuner"),
                    rs.getBigDecimal("minimum_gain") == null ? null : rs.getBigDecimal("minimum_gain").doubleValue(),
                    (Integer) rs.getObject("monthly_requests", Integer.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("use_case_contract holds invalid JSON", e);
        }
    }
}
