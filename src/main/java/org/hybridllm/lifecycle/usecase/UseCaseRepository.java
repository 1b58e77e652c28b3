package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.hybridllm.lifecycle.api.ApiProblems;

@Repository
public class UseCaseRepository {

    private static final TypeReference<List<LabelSpec>> LABELS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public UseCaseRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<UseCase> findByKey(String key) {
        return jdbc.sql("select * from use_case where key = ?").param(key).query(this::map).optional();
    }

    /** The use case with this key, or a 404 problem naming it. */
    public UseCase require(String key) {
        return findByKey(key).orElseThrow(() -> ApiProblems.notFound("use-case", key));
    }

    public UseCase get(long id) {
        return jdbc.sql("select * from use_case where id = ?").param(id).query(this::map).single();
    }

    public List<UseCase> findAll() {
        return jdbc.sql("select * from use_case order by key").query(this::map).list();
    }

    /** Inserts a new use case; an existing key is a {@link org.springframework.dao.DuplicateKeyException}. */
    public UseCase insert(String key, String name, String description, List<LabelSpec> labels,
                          double targetAccuracy, int minLabelledExamples, double plateauDelta, String provider,
                          String baseModel, String fineTuner) {
        jdbc.sql("""
                        insert into use_case (key, name, description, labels, target_accuracy, min_labelled_examples,
                                              plateau_delta, provider, base_model, fine_tuner)
                        values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)""")
                .params(key, name, description, Jsonb.write(json, labels), targetAccuracy, minLabelledExamples,
                        plateauDelta, provider, baseModel, fineTuner)
                .update();
        return findByKey(key).orElseThrow();
    }

    /** Inserts the use case unless one with the same key exists; returns the stored one either way. */
    public UseCase insertIfAbsent(String key, String name, String description, List<LabelSpec> labels,
                                  double targetAccuracy, int minLabelledExamples, double plateauDelta,
                                  String provider, String baseModel) {
        jdbc.sql("""
                        insert into use_case (key, name, description, labels, target_accuracy, min_labelled_examples,
                                              plateau_delta, provider, base_model)
                        values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                        on conflict (key) do nothing""")
                .params(key, name, description, Jsonb.write(json, labels), targetAccuracy, minLabelledExamples, plateauDelta,
                        provider, baseModel)
                .update();
        return findByKey(key).orElseThrow();
    }

    public record EvalExample(String input, String label) {
    }

    public List<EvalExample> evalSet(long useCaseId) {
        return jdbc.sql("select input, label from eval_example where use_case_id = ? order by id")
                .param(useCaseId)
                .query((rs, i) -> new EvalExample(rs.getString("input"), rs.getString("label")))
                .list();
    }

    public void addEvalExample(long useCaseId, String input, String label) {
        jdbc.sql("insert into eval_example (use_case_id, input, label) values (?, ?, ?) on conflict do nothing")
                .params(useCaseId, input, label)
                .update();
    }

    private UseCase map(ResultSet rs, int row) throws SQLException {
        try {
            return new UseCase(rs.getLong("id"), rs.getString("key"), rs.getString("name"),
                    rs.getString("description"), json.readValue(rs.getString("labels"), LABELS),
                    rs.getDouble("target_accuracy"), rs.getInt("min_labelled_examples"),
                    rs.getDouble("plateau_delta"), rs.getString("provider"), rs.getString("base_model"),
                    rs.getString("fine_tuner"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("use_case.labels is not valid JSON", e);
        }
    }
}
