package org.hybridllm.lifecycle.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import java.util.Arrays;
import java.util.HashMap;
import java.time.OffsetDateTime;
import java.util.Optional;

@Repository
public class DatasetRepository {

    private static final TypeReference<Map<String, Integer>> DISTRIBUTION = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final ObjectMapper json;

    public DatasetRepository(JdbcClient jdbc, DataSource dataSource, ObjectMapper json) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.json = json;
    }

    /** A shared transaction lock: builds run side by side, an erasure (exclusive) waits for them all. */
    void lockSharedAgainstErasure(long lock) {
        jdbc.sql("select pg_advisory_xact_lock_shared(?)").param(lock).query((rs, i) -> 1).list();
    }

    /** Inserts a new version, numbered after the use case's latest (call inside a transaction). */
    public long insert(long useCaseId, UUID runId, String sha256, long trainArtifactId, long validationArtifactId,
                       long testArtifactId, Long preferenceArtifactId, int preferencePairs, DatasetBuilder.Split split,
                       long seed, int revision, double leakageFlagThreshold) {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(useCaseId).query((rs, i) -> 1).list();
        DatasetLeakage leakage = split.nearDuplicates().leakage(leakageFlagThreshold);
        return jdbc.sql("""
                        insert into dataset_version (use_case_id, run_id, version, sha256, train_artifact_id,
                               validation_artifact_id, test_artifact_id, train_rows, validation_rows, test_rows,
                               candidates, duplicates_removed, pii_items_scrubbed, label_distribution, split_seed, revision,
                               preference_artifact_id, preference_pairs, excluded_invalid, leakage_method,
                               leakage_threshold, near_duplicate_groups, near_duplicate_rows, large_groups_to_train,
                               leakage_test_rows_checked, near_duplicates_across_splits, test_overlap_rate,
                               leakage_flag_threshold)
                        select ?, ?, coalesce(max(version), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?,
                               ?, ?, ?, ?, ?, ?, ?, ?, ?
                        from dataset_version where use_case_id = ?
                        returning id""")
                .params(useCaseId, runId, sha256, trainArtifactId, validationArtifactId, testArtifactId,
                        split.trainIds().length, split.validationIds().length, split.testIds().length, split.candidates(),
                        split.duplicatesRemoved(), split.piiItemsScrubbed(), Jsonb.write(json, split.labelDistribution()), seed,
                        revision, preferenceArtifactId, preferencePairs, split.invalidExcluded(), leakage.method(),
                        leakage.threshold(), leakage.groups(), leakage.groupedRows(), leakage.largeGroupsToTrain(),
                        leakage.testRowsChecked(), leakage.nearDuplicatesAcrossSplits(), leakage.testOverlapRate(),
                        leakage.flagThreshold(), useCaseId)
                .query(Long.class)
                .single();
    }

    /**
     * The split's lineage as one sorted array (V10): a million-example dataset is one row per split. With each
     * row's near-duplicate group key (V18) in a parallel array: sorted with the ids, so that both are in the order
     * of the split file (written in feedback id order).
     */
    public void linkFeedback(long datasetVersionId, String split, long[] feedbackIds, long[] groupKeys) {
        if (groupKeys.length != feedbackIds.length) {
            throw new IllegalArgumentException("one group key per feedback id");
        }
        long[] sorted = feedbackIds.clone();
        int[] order = new int[sorted.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        DatasetBuilder.sortByKey(sorted, order, 0, sorted.length - 1);
        // streamed as one COPY row: bound as parameters, 4 M ids and keys took ~100 MB of the driver's encodings on
        // a heap the build keeps at 256 MiB (BENCHMARKS.md); the split's name is one of three plain words
        String copy = "copy dataset_split_feedback (dataset_version_id, split, feedback_ids, group_keys) from stdin";
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
            try {
                LineageRow row = new LineageRow(in);
                row.text(datasetVersionId + "\t" + split + "\t{");
                for (int i = 0; i < sorted.length; i++) {
                    row.number(i == 0, sorted[i]);
                }
                row.text("}\t{");
                for (int i = 0; i < order.length; i++) {
                    row.number(i == 0, groupKeys[order[i]]);
                }
                row.text("}\n");
                row.flush();
                in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot record the lineage of dataset version "
                    + datasetVersionId, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** A COPY text row written through a small buffer: decimal numbers without a String each. */
    private static final class LineageRow {
        private final CopyIn in;
        private final byte[] buffer = new byte[1 << 16];
        private int used;

        LineageRow(CopyIn in) {
            this.in = in;
        }

        void text(String ascii) throws SQLException {
            for (int i = 0; i < ascii.length(); i++) {
                put((byte) ascii.charAt(i));
            }
        }

        /** The number, after a comma unless it is the first of its array. */
        void number(boolean first, long value) throws SQLException {
            if (used + 21 > buffer.length) {
                flush();
            }
            if (!first) {
                buffer[used++] = ',';
            }
            if (value == Long.MIN_VALUE) {
                text(Long.toString(value));
                return;
            }
            if (value < 0) {
                buffer[used++] = '-';
                value = -value;
            }
            int start = used;
            do {
                buffer[used++] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value != 0);
            for (int a = start, b = used - 1; a < b; a++, b--) { // the digits were written last first
                byte digit = buffer[a];
                buffer[a] = buffer[b];
                buffer[b] = digit;
            }
        }

        private void put(byte b) throws SQLException {
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = b;
        }

        void flush() throws SQLException {
            if (used > 0) {
                in.writeToCopy(buffer, 0, used);
                used = 0;
            }
        }
    }

    /**
     * The cluster key of each row of a split file, in the file's order: {@code subject:<id>} where the row's
     * interaction names its data subject, else {@code near-duplicate:<feedback id of the group's first row>}
     * (every row has a group, a row without near-duplicates its own); null where neither is known (versions built
     * before V18, for rows without a subject). Empty for an unknown version or split.
     */
    public List<String> clusterKeys(long datasetVersionId, String split) {
        return jdbc.sql("""
                        select cluster_key from dataset_version_feedback
                        where dataset_version_id = ? and split = ? order by position""")
                .params(datasetVersionId, split)
                .query((rs, i) -> rs.getString(1))
                .list();
    }

    public DatasetVersion get(long id) {
        return jdbc.sql("select * from dataset_version where id = ?").param(id).query(this::map).single();
    }

    public List<DatasetVersion> findByUseCase(long useCaseId) {
        return jdbc.sql("select * from dataset_version where use_case_id = ? order by version").param(useCaseId)
                .query(this::map).list();
    }

    /** Every use case's versions when {@code useCaseId} is null; newest first. */
    public List<DatasetVersion> find(Long useCaseId) {
        return jdbc.sql("""
                        select * from dataset_version where cast(? as bigint) is null or use_case_id = ?
                        order by created_at desc, id desc""")
                .params(useCaseId, useCaseId).query(this::map).list();
    }

    /** The use case's untainted version with this content hash (the three split files' hashes), if any. */
    public Optional<DatasetVersion> findByContent(long useCaseId, String sha256) {
        return jdbc.sql("""
                        select * from dataset_version where use_case_id = ? and sha256 = ? and not tainted
                        order by version limit 1""")
                .params(useCaseId, sha256).query(this::map).optional();
    }

    /** The version the run built (a run that reused a version built none). */
    public Optional<DatasetVersion> findByRun(UUID runId) {
        return jdbc.sql("select * from dataset_version where run_id = ?").param(runId).query(this::map).optional();
    }

    public Optional<DatasetVersion> findById(long id) {
        return jdbc.sql("select * from dataset_version where id = ?").param(id).query(this::map).optional();
    }

    public DatasetLineage lineage(DatasetVersion dataset) {
        long id = dataset.id();
        String useCase = jdbc.sql("select key from use_case where id = ?").param(dataset.useCaseId())
                .query(String.class).single();
        String runStatus = jdbc.sql("select status from lifecycle_run where id = ?").param(dataset.runId())
                .query(String.class).single();
        Map<String, Long> feedbackBySplit = new HashMap<>();
        jdbc.sql("select split, cardinality(feedback_ids) from dataset_split_feedback where dataset_version_id = ?")
                .param(id).query((rs, i) -> feedbackBySplit.put(rs.getString(1), rs.getLong(2))).list();
        List<DatasetLineage.SplitFile> files = List.of(
                splitFile(id, "train", dataset.trainArtifactId(), dataset.trainRows(), feedbackBySplit),
                splitFile(id, "validation", dataset.validationArtifactId(), dataset.validationRows(), feedbackBySplit),
                splitFile(id, "test", dataset.testArtifactId(), dataset.testRows(), feedbackBySplit));
        long interactions = jdbc.sql("""
                        select count(distinct f.interaction_id) from dataset_version_feedback d
                        join feedback f on f.id = d.feedback_id where d.dataset_version_id = ?""")
                .param(id).query(Long.class).single();
        List<DatasetLineage.PromptVersionCount> byPrompt = jdbc.sql("""
                        select p.version, count(*) from dataset_version_feedback d
                        join feedback f on f.id = d.feedback_id join interaction i on i.id = f.interaction_id
                        left join prompt_version p on p.id = i.prompt_version_id
                        where d.dataset_version_id = ? group by p.version order by p.version nulls first""")
                .param(id)
                .query((rs, i) -> new DatasetLineage.PromptVersionCount((Integer) rs.getObject(1), rs.getLong(2)))
                .list();
        List<DatasetLineage.FineTuneJobRef> jobs = jdbc.sql("""
                        select id, run_id, provider, external_id, status from fine_tune_job
                        where dataset_version_id = ? order by id""")
                .param(id)
                .query((rs, i) -> new DatasetLineage.FineTuneJobRef(rs.getLong("id"),
                        rs.getObject("run_id", UUID.class), rs.getString("provider"), rs.getString("external_id"),
                        rs.getString("status")))
                .list();
        List<DatasetLineage.ModelRef> models = jdbc.sql("""
                        select id, name, kind, external_ref, artifact_id from model_version
                        where dataset_version_id = ? order by id""")
                .param(id)
                .query((rs, i) -> new DatasetLineage.ModelRef(rs.getLong("id"), rs.getString("name"),
                        rs.getString("kind"), rs.getString("external_ref"), (Long) rs.getObject("artifact_id")))
                .list();
        List<DatasetLineage.AliasChange> aliases = jdbc.sql("""
                        select h.alias, h.model_version_id, h.changed_by, h.run_id, h.changed_at
                        from model_alias_history h join model_version m on m.id = h.model_version_id
                        where m.dataset_version_id = ? order by h.id""")
                .param(id)
                .query((rs, i) -> new DatasetLineage.AliasChange(rs.getString("alias"),
                        rs.getLong("model_version_id"), rs.getString("changed_by"),
                        rs.getObject("run_id", UUID.class),
                        rs.getObject("changed_at", OffsetDateTime.class)))
                .list();
        long feedbackRows = feedbackBySplit.values().stream().mapToLong(Long::longValue).sum();
        return new DatasetLineage(dataset, useCase, dataset.runId(), runStatus, files, feedbackRows, interactions,
                byPrompt, jobs, models, aliases);
    }

    /**
     * A dataset version against another (the champion's): the feedback rows, over all three splits, it has and
     * the other lacks (added) and the other has and it lacks (removed), with the first few ids of each.
     */
    public record Difference(long datasetVersionId, long comparedWithId, long added, long removed, long kept,
                             List<Long> firstAdded, List<Long> firstRemoved) {
    }

    public Difference difference(long datasetVersionId, long comparedWithId, int firstIds) {
        String rows = "select unnest(feedback_ids) as id from dataset_split_feedback where dataset_version_id = ?";
        long added = jdbc.sql("select count(*) from (" + rows + " except " + rows + ") t")
                .params(datasetVersionId, comparedWithId).query(Long.class).single();
        long removed = jdbc.sql("select count(*) from (" + rows + " except " + rows + ") t")
                .params(comparedWithId, datasetVersionId).query(Long.class).single();
        long kept = jdbc.sql("select count(*) from (" + rows + " intersect " + rows + ") t")
                .params(datasetVersionId, comparedWithId).query(Long.class).single();
        List<Long> firstAdded = jdbc.sql("select id from (" + rows + " except " + rows + ") t order by id limit ?")
                .params(datasetVersionId, comparedWithId, firstIds).query(Long.class).list();
        List<Long> firstRemoved = jdbc.sql("select id from (" + rows + " except " + rows + ") t order by id limit ?")
                .params(comparedWithId, datasetVersionId, firstIds).query(Long.class).list();
        return new Difference(datasetVersionId, comparedWithId, added, removed, kept, firstAdded, firstRemoved);
    }

    /** The feedback rows a split of a version was built from, in id order (empty for an unknown split). */
    public long[] feedbackIds(long datasetVersionId, String split) {
        return jdbc.sql("select unnest(feedback_ids) from dataset_split_feedback where dataset_version_id = ? "
                        + "and split = ? order by 1")
                .params(datasetVersionId, split).query(Long.class).list().stream().mapToLong(Long::longValue)
                .toArray();
    }

    private DatasetLineage.SplitFile splitFile(long datasetId, String split, long artifactId, int rows,
                                               Map<String, Long> feedbackBySplit) {
        return jdbc.sql("select sha256, bytes from artifact where id = ?").param(artifactId)
                .query((rs, i) -> new DatasetLineage.SplitFile(split, artifactId, rs.getString("sha256"),
                        rs.getLong("bytes"), rows, feedbackBySplit.getOrDefault(split, 0L),
                        "/api/datasets/" + datasetId + "/files/" + split + ".jsonl"))
                .single();
    }

    /** The leakage columns (V18); null for a version built before them. */
    private static DatasetLeakage leakage(ResultSet rs) throws SQLException {
        String method = rs.getString("leakage_method");
        if (method == null) {
            return null;
        }
        double rate = rs.getBigDecimal("test_overlap_rate").doubleValue();
        double flagThreshold = rs.getBigDecimal("leakage_flag_threshold").doubleValue();
        return new DatasetLeakage(method, rs.getBigDecimal("leakage_threshold").doubleValue(),
                rs.getInt("near_duplicate_groups"), rs.getInt("near_duplicate_rows"),
                rs.getInt("near_duplicates_across_splits"), rate, flagThreshold, rate > flagThreshold,
                rs.getInt("leakage_test_rows_checked"), rs.getInt("large_groups_to_train"));
    }

    private DatasetVersion map(ResultSet rs, int row) throws SQLException {
        try {
            return new DatasetVersion(rs.getLong("id"), rs.getLong("use_case_id"), rs.getObject("run_id", UUID.class),
                    rs.getInt("version"), rs.getString("sha256"), rs.getLong("train_artifact_id"),
                    rs.getLong("validation_artifact_id"), rs.getLong("test_artifact_id"), rs.getInt("train_rows"),
                    rs.getInt("validation_rows"), rs.getInt("test_rows"), rs.getInt("candidates"),
                    rs.getInt("duplicates_removed"), rs.getInt("pii_items_scrubbed"),
                    json.readValue(rs.getString("label_distribution"), DISTRIBUTION), rs.getLong("split_seed"),
                    rs.getBoolean("tainted"), (Long) rs.getObject("preference_artifact_id", Long.class),
                    rs.getInt("preference_pairs"), rs.getInt("excluded_invalid"), leakage(rs));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
