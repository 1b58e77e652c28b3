package org.hybridllm.lifecycle.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.tracking.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class DatasetRepository {

    private static final TypeReference<Map<String, Integer>> DISTRIBUTION = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public DatasetRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts a new version, numbered after the use case's latest (call inside a transaction). */
    public long insert(long useCaseId, UUID runId, String sha256, long trainArtifactId, long validationArtifactId,
                       long testArtifactId, DatasetBuilder.Split split, long seed, int revision) {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(useCaseId).query((rs, i) -> 1).list();
        return jdbc.sql("""
                        insert into dataset_version (use_case_id, run_id, version, sha256, train_artifact_id,
                               validation_artifact_id, test_artifact_id, train_rows, validation_rows, test_rows,
                               candidates, duplicates_removed, pii_items_scrubbed, label_distribution, split_seed, revision)
                        select ?, ?, coalesce(max(version), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?
                        from dataset_version where use_case_id = ?
                        returning id""")
                .params(useCaseId, runId, sha256, trainArtifactId, validationArtifactId, testArtifactId,
                        split.train().size(), split.validation().size(), split.test().size(), split.candidates(),
                        split.duplicatesRemoved(), split.piiItemsScrubbed(), Jsonb.write(json, split.labelDistribution()), seed,
                        revision, useCaseId)
                .query(Long.class)
                .single();
    }

    public void linkFeedback(long datasetVersionId, String split, List<DatasetBuilder.Example> examples) {
        for (DatasetBuilder.Example example : examples) {
            jdbc.sql("insert into dataset_version_feedback (dataset_version_id, feedback_id, split) values (?, ?, ?)")
                    .params(datasetVersionId, example.feedbackId(), split)
                    .update();
        }
    }

    public DatasetVersion get(long id) {
        return jdbc.sql("select * from dataset_version where id = ?").param(id).query(this::map).single();
    }

    public List<DatasetVersion> findByUseCase(long useCaseId) {
        return jdbc.sql("select * from dataset_version where use_case_id = ? order by version").param(useCaseId)
                .query(this::map).list();
    }

    private DatasetVersion map(ResultSet rs, int row) throws SQLException {
        try {
            return new DatasetVersion(rs.getLong("id"), rs.getLong("use_case_id"), rs.getObject("run_id", UUID.class),
                    rs.getInt("version"), rs.getString("sha256"), rs.getLong("train_artifact_id"),
                    rs.getLong("validation_artifact_id"), rs.getLong("test_artifact_id"), rs.getInt("train_rows"),
                    rs.getInt("validation_rows"), rs.getInt("test_rows"), rs.getInt("candidates"),
                    rs.getInt("duplicates_removed"), rs.getInt("pii_items_scrubbed"),
                    json.readValue(rs.getString("label_distribution"), DISTRIBUTION), rs.getLong("split_seed"),
                    rs.getBoolean("tainted"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
