package org.hybridllm.lifecycle.feedback;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Writes checked feedback rows a chunk at a time: ids are taken from the sequences up front and every table gets
 * one {@code COPY} per chunk (or, where the chunk re-sends recorded interactions, one array-valued insert),
 * instead of a round trip per row. Re-sent interactions (same use case and
 * external id) attach their feedback to the interaction recorded first.
 */
@Repository
public class FeedbackWriter {

    /** A checked item: either {@code interactionId} or the interaction's own fields are set. */
    record Row(long useCaseId, Long interactionId, String externalId, Long promptVersionId, String subjectId,
               String input, String output, Integer rating, String correctedOutput, String comment) {
    }

    record Written(long interactionsCreated, long lastInteractionId, long lastFeedbackId) {
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;

    public FeedbackWriter(JdbcTemplate jdbcTemplate, JdbcClient jdbc) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
    }

    boolean interactionBelongsTo(long interactionId, long useCaseId) {
        return jdbc.sql("select exists (select 1 from interaction where id = ? and use_case_id = ?)")
                .params(interactionId, useCaseId).query(Boolean.class).single();
    }

    /**
     * Call inside a transaction. The chunk goes in through {@code COPY} (no array literals for the server to parse,
     * no external-id lookup); if one of its external ids is already recorded (the unique key refuses the copy) the
     * copy is rolled back to its savepoint and the chunk is written by array-valued inserts that attach to the
     * recorded interactions.
     */
    Written write(List<Row> rows, String createdBy) {
        return jdbcTemplate.execute((Connection connection) -> {
            Written copied = copy(connection, rows, createdBy);
            return copied != null ? copied : write(connection, rows, createdBy);
        });
    }

    /** The chunk by COPY, or null (nothing written) when an external id in it was recorded before. */
    private Written copy(Connection connection, List<Row> rows, String createdBy) throws SQLException {
        int n = rows.size();
        long[] interactionIds = new long[n];
        // the rows whose interaction this chunk creates, and for every row the row that created its interaction
        List<Integer> fresh = new ArrayList<>();
        int[] creator = new int[n];
        Map<String, Integer> creatorByExternalId = new HashMap<>();
        List<Long> recordedWithCorrection = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            creator[i] = -1;
            if (row.interactionId() != null) {
                if (row.correctedOutput() != null) {
                    recordedWithCorrection.add(row.interactionId());
                }
                continue;
            }
            if (row.externalId() != null) {
                Integer first = creatorByExternalId.putIfAbsent(row.useCaseId() + "\u0000" + row.externalId(), i);
                if (first != null) {
                    creator[i] = first;
                    continue;
                }
            }
            creator[i] = i;
            fresh.add(i);
        }
        long[] newIds = nextIds(connection, "interaction_id_seq", fresh.size());
        for (int k = 0; k < fresh.size(); k++) {
            interactionIds[fresh.get(k)] = newIds[k];
        }
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            interactionIds[i] = row.interactionId() != null ? row.interactionId() : interactionIds[creator[i]];
        }
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        if (!fresh.isEmpty()) {
            StringBuilder text = new StringBuilder(fresh.size() * 160);
            for (int k = 0; k < fresh.size(); k++) {
                Row row = rows.get(fresh.get(k));
                text.append(newIds[k]).append('\t').append(row.useCaseId()).append('\t');
                CopyText.append(text, row.externalId()).append('\t');
                CopyText.append(text, row.promptVersionId()).append('\t');
                CopyText.append(text, row.subjectId()).append('\t');
                CopyText.append(text, row.input()).append('\t');
                CopyText.append(text, row.output()).append('\n');
            }
            Savepoint beforeCopy = connection.setSavepoint();
            try {
                copy.copyIn("copy interaction (id, use_case_id, external_id, prompt_version_id, subject_id, input, "
                        + "output) from stdin", CopyText.utf8(text));
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                connection.rollback(beforeCopy);
                return null;
            } catch (IOException e) {
                throw new SQLException("COPY of the interactions failed", e);
            }
            connection.releaseSavepoint(beforeCopy);
        }
        Map<Long, String> recordedOutputs = outputs(connection, recordedWithCorrection);
        long[] feedbackIds = nextIds(connection, "feedback_id_seq", n);
        StringBuilder text = new StringBuilder(n * 60);
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            // what the correction replaced: the output of the interaction as recorded (its first sending)
            String original = row.correctedOutput() == null ? null
                    : row.interactionId() != null ? recordedOutputs.get(row.interactionId())
                    : rows.get(creator[i]).output();
            text.append(feedbackIds[i]).append('\t').append(interactionIds[i]).append('\t');
            CopyText.append(text, row.rating()).append('\t');
            CopyText.append(text, row.correctedOutput()).append('\t');
            CopyText.append(text, row.comment()).append('\t');
            CopyText.append(text, createdBy).append('\t');
            CopyText.append(text, original).append('\n');
        }
        try {
            copy.copyIn("copy feedback (id, interaction_id, rating, corrected_output, comment, created_by, "
                    + "original_output) from stdin", CopyText.utf8(text));
        } catch (IOException e) {
            throw new SQLException("COPY of the feedback failed", e);
        }
        return new Written(fresh.size(), interactionIds[n - 1], feedbackIds[n - 1]);
    }

    private static Map<Long, String> outputs(Connection connection, List<Long> interactionIds) throws SQLException {
        Map<Long, String> outputs = new HashMap<>();
        if (interactionIds.isEmpty()) {
            return outputs;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select id, output from interaction where id = any(?)")) {
            select.setArray(1, connection.createArrayOf("bigint", interactionIds.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    outputs.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return outputs;
    }

    private Written write(Connection connection, List<Row> rows, String createdBy) throws SQLException {
        long[] interactionIds = new long[rows.size()];
        // 1. interactions named by external id that are already recorded
        Map<Long, Map<String, Long>> known = existingByExternalId(connection, rows);
        // 2. new interactions: ids from the sequence, one insert for the chunk
        List<Integer> fresh = new ArrayList<>();
        Map<String, Long> assignedInChunk = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.interactionId() != null) {
                interactionIds[i] = row.interactionId();
                continue;
            }
            if (row.externalId() != null) {
                String key = row.useCaseId() + "\u0000" + row.externalId();
                Long existing = known.getOrDefault(row.useCaseId(), Map.of()).get(row.externalId());
                if (existing == null) {
                    existing = assignedInChunk.get(key);
                }
                if (existing != null) {
                    interactionIds[i] = existing;
                    continue;
                }
                assignedInChunk.put(key, -1L - fresh.size()); // placeholder, resolved below
            }
            fresh.add(i);
        }
        long[] newIds = nextIds(connection, "interaction_id_seq", fresh.size());
        for (int n = 0; n < fresh.size(); n++) {
            interactionIds[fresh.get(n)] = newIds[n];
        }
        for (int i = 0; i < rows.size(); i++) {
            if (interactionIds[i] < 0) { // a repeat, within this chunk, of an interaction created in it
                interactionIds[i] = newIds[(int) (-1 - interactionIds[i])];
            }
        }
        long created = insertInteractions(connection, rows, fresh, newIds);
        if (created < fresh.size()) {
            // another request recorded some of these external ids meanwhile: attach to its interactions
            created = reattach(connection, rows, newIds, interactionIds);
        }
        long[] feedbackIds = nextIds(connection, "feedback_id_seq", rows.size());
        insertFeedback(connection, rows, interactionIds, feedbackIds, createdBy);
        return new Written(created, interactionIds[rows.size() - 1], feedbackIds[rows.size() - 1]);
    }

    private Map<Long, Map<String, Long>> existingByExternalId(Connection connection, List<Row> rows)
            throws SQLException {
        Map<Long, List<String>> externalIds = new LinkedHashMap<>();
        for (Row row : rows) {
            if (row.interactionId() == null && row.externalId() != null) {
                externalIds.computeIfAbsent(row.useCaseId(), k -> new ArrayList<>()).add(row.externalId());
            }
        }
        Map<Long, Map<String, Long>> known = new HashMap<>();
        for (var entry : externalIds.entrySet()) {
            try (PreparedStatement select = connection.prepareStatement(
                    "select external_id, id from interaction where use_case_id = ? and external_id = any(?)")) {
                select.setLong(1, entry.getKey());
                select.setArray(2, connection.createArrayOf("text", entry.getValue().toArray()));
                try (ResultSet rs = select.executeQuery()) {
                    Map<String, Long> ids = known.computeIfAbsent(entry.getKey(), k -> new HashMap<>());
                    while (rs.next()) {
                        ids.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        return known;
    }

    private static long insertInteractions(Connection connection, List<Row> rows, List<Integer> fresh,
                                           long[] newIds) throws SQLException {
        if (fresh.isEmpty()) {
            return 0;
        }
        int n = fresh.size();
        Object[] ids = new Object[n];
        Object[] useCases = new Object[n];
        Object[] externalIds = new Object[n];
        Object[] promptVersions = new Object[n];
        Object[] subjects = new Object[n];
        Object[] inputs = new Object[n];
        Object[] outputs = new Object[n];
        for (int k = 0; k < n; k++) {
            Row row = rows.get(fresh.get(k));
            ids[k] = newIds[k];
            useCases[k] = row.useCaseId();
            externalIds[k] = row.externalId();
            promptVersions[k] = row.promptVersionId();
            subjects[k] = row.subjectId();
            inputs[k] = row.input();
            outputs[k] = row.output();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into interaction (id, use_case_id, external_id, prompt_version_id, subject_id, input, output)
                select * from unnest(?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])
                on conflict (use_case_id, external_id) do nothing""")) {
            insert.setArray(1, connection.createArrayOf("bigint", ids));
            insert.setArray(2, connection.createArrayOf("bigint", useCases));
            insert.setArray(3, connection.createArrayOf("text", externalIds));
            insert.setArray(4, connection.createArrayOf("bigint", promptVersions));
            insert.setArray(5, connection.createArrayOf("text", subjects));
            insert.setArray(6, connection.createArrayOf("text", inputs));
            insert.setArray(7, connection.createArrayOf("text", outputs));
            return insert.executeUpdate();
        }
    }

    /** Points rows whose insert lost a race at the interaction the winner recorded. */
    private long reattach(Connection connection, List<Row> rows, long[] newIds, long[] interactionIds)
            throws SQLException {
        Set<Long> inserted = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select id from interaction where id = any(?)")) {
            Object[] ids = new Object[newIds.length];
            for (int k = 0; k < newIds.length; k++) {
                ids[k] = newIds[k];
            }
            select.setArray(1, connection.createArrayOf("bigint", ids));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getLong(1));
                }
            }
        }
        Map<Long, Map<String, Long>> winners = existingByExternalId(connection, rows);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.interactionId() == null && row.externalId() != null && !inserted.contains(interactionIds[i])) {
                interactionIds[i] = winners.get(row.useCaseId()).get(row.externalId());
            }
        }
        return inserted.size();
    }

    private static void insertFeedback(Connection connection, List<Row> rows, long[] interactionIds,
                                       long[] feedbackIds, String createdBy) throws SQLException {
        int n = rows.size();
        Object[] ids = new Object[n];
        Object[] interactions = new Object[n];
        Object[] ratings = new Object[n];
        Object[] corrected = new Object[n];
        Object[] comments = new Object[n];
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            ids[i] = feedbackIds[i];
            interactions[i] = interactionIds[i];
            ratings[i] = row.rating() == null ? null : row.rating().shortValue();
            corrected[i] = row.correctedOutput();
            comments[i] = row.comment();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into feedback (id, interaction_id, rating, corrected_output, comment, created_by,
                                      original_output)
                select f.*, ?, case when f.corrected_output is not null then i.output end
                  from unnest(?::bigint[], ?::bigint[], ?::smallint[], ?::text[], ?::text[])
                       as f(id, interaction_id, rating, corrected_output, comment)
                  join interaction i on i.id = f.interaction_id""")) {
            insert.setString(1, createdBy);
            insert.setArray(2, connection.createArrayOf("bigint", ids));
            insert.setArray(3, connection.createArrayOf("bigint", interactions));
            insert.setArray(4, connection.createArrayOf("smallint", ratings));
            insert.setArray(5, connection.createArrayOf("text", corrected));
            insert.setArray(6, connection.createArrayOf("text", comments));
            insert.executeUpdate();
        }
    }

    private static long[] nextIds(Connection connection, String sequence, int count) throws SQLException {
        long[] ids = new long[count];
        if (count == 0) {
            return ids;
        }
        try (PreparedStatement next = connection.prepareStatement(
                "select nextval(cast(? as regclass)) from generate_series(1, ?)")) {
            next.setString(1, sequence);
            next.setInt(2, count);
            try (ResultSet rs = next.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    ids[i++] = rs.getLong(1);
                }
            }
        }
        return ids;
    }

}
