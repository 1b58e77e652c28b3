package org.hybridllm.lifecycle.feedback;

import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Repository;
import java.sql.Connection;
import java.util.function.Consumer;
import java.time.OffsetDateTime;
import java.sql.SQLException;
import java.util.UUID;

/** interaction and feedback rows: what production traffic and its users said. */
@Repository
public class FeedbackRepository {

    private static final Logger log = LoggerFactory.getLogger(FeedbackRepository.class);

    /**
     * The latest feedback of each interaction that gives an ideal output: a correction, or a thumbs-up; with the
     * output a correction replaced (a preference pair's rejected side), if it differs.
     */
    private static final String IDEAL_OUTPUTS = idealOutputs("?", "?");

    private static String idealOutputs(String useCaseId, String feedbackUpToId) {
        return """
                select distinct on (f.interaction_id)
                       f.id as feedback_id, i.id as interaction_id, i.input,
                       coalesce(f.corrected_output, case when f.rating = 1 then i.output end) as ideal_output,
                       case when f.corrected_output is not null
                                 and f.corrected_output is distinct from coalesce(f.original_output, i.output)
                            then coalesce(f.original_output, i.output) end as rejected_output
                from feedback f join interaction i on i.id = f.interaction_id
                where i.use_case_id = %s and f.id <= %s
                order by f.interaction_id, f.id desc
                """.formatted(useCaseId, feedbackUpToId);
    }

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    public FeedbackRepository(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    public record Summary(long interactions, long feedback, long negativeFeedback, long labelledExamples,
                          long newLabelledExamples, long feedbackUpToId) {
    }

    /** Counts as of now; {@code feedbackUpToId} pins the snapshot the dataset stage will build from. */
    public Summary summarise(long useCaseId) {
        long upTo = jdbc.sql("""
                        select coalesce(max(f.id), 0) from feedback f join interaction i on i.id = f.interaction_id
                        where i.use_case_id = ?""")
                .param(useCaseId).query(Long.class).single();
        long interactions = jdbc.sql("select count(*) from interaction where use_case_id = ?")
                .param(useCaseId).query(Long.class).single();
        long feedback = jdbc.sql("""
                        select count(*) from feedback f join interaction i on i.id = f.interaction_id
                        where i.use_case_id = ? and f.id <= ?""")
                .params(useCaseId, upTo).query(Long.class).single();
        long negative = jdbc.sql("""
                        select count(*) from feedback f join interaction i on i.id = f.interaction_id
                        where i.use_case_id = ? and f.id <= ? and f.rating = -1""")
                .params(useCaseId, upTo).query(Long.class).single();
        long labelled = jdbc.sql("select count(*) from (" + IDEAL_OUTPUTS + ") t where ideal_output is not null")
                .params(useCaseId, upTo).query(Long.class).single();
        // feedback in none of this use case's datasets yet (the lineage arrays unnested once, then a hash anti-join)
        long fresh = jdbc.sql("select count(*) from (" + IDEAL_OUTPUTS + ") t where ideal_output is not null"
                        + " and t.feedback_id not in (select unnest(s.feedback_ids) from dataset_split_feedback s"
                        + " join dataset_version d on d.id = s.dataset_version_id where d.use_case_id = ?)")
                .params(useCaseId, upTo, useCaseId).query(Long.class).single();
        return new Summary(interactions, feedback, negative, labelled, fresh, upTo);
    }

    /**
     * Requests the gateway served for the use case since {@code since}: its logged calls (they carry a call id).
     * Interactions imported over REST, webhook or the samples are not counted: they are not traffic measured here.
     */
    public long gatewayRequestsSince(long useCaseId, OffsetDateTime since) {
        return jdbc.sql("""
                        select count(*) from interaction
                        where use_case_id = ? and created_at >= ? and call_id is not null""")
                .params(useCaseId, since).query(Long.class).single();
    }

    /**
     * Feedback, newest first, filtered by use case, by the prompt version that produced the output, and by run
     * (the feedback a run's dataset versions were built from); a null filter matches everything.
     */
    public List<FeedbackView> find(Long useCaseId, Long promptVersionId, UUID runId, long offset,
                                   int limit) {
        return jdbc.sql("""
                        select f.id, f.interaction_id, u.key as use_case, i.external_id, p.version as prompt_version,
                               i.input, i.output, f.rating, f.corrected_output, f.comment, f.created_by, f.created_at
                        """ + FILTERED + " order by f.id desc limit ? offset ?")
                .params(useCaseId, useCaseId, promptVersionId, promptVersionId, runId, runId, limit, offset)
                .query((rs, i) -> new FeedbackView(rs.getLong("id"), rs.getLong("interaction_id"),
                        rs.getString("use_case"), rs.getString("external_id"),
                        (Integer) rs.getObject("prompt_version"), rs.getString("input"), rs.getString("output"),
                        rs.getObject("rating") == null ? null : rs.getInt("rating"), rs.getString("corrected_output"),
                        rs.getString("comment"), rs.getString("created_by"),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .list();
    }

    public long count(Long useCaseId, Long promptVersionId, UUID runId) {
        return jdbc.sql("select count(*) " + FILTERED)
                .params(useCaseId, useCaseId, promptVersionId, promptVersionId, runId, runId)
                .query(Long.class).single();
    }

    private static final String FILTERED = """
            from feedback f
            join interaction i on i.id = f.interaction_id
            join use_case u on u.id = i.use_case_id
            left join prompt_version p on p.id = i.prompt_version_id
            where (cast(? as bigint) is null or i.use_case_id = ?)
              and (cast(? as bigint) is null or i.prompt_version_id = ?)
              and (cast(? as uuid) is null or f.id in (
                    select unnest(s.feedback_ids) from dataset_split_feedback s
                    join dataset_version d on d.id = s.dataset_version_id where d.run_id = ?))
            """;

    /**
     * Where a set of feedback rows (a dataset's training split) came from, for the consent and retention items
     * of a review: the distinct data subjects of their interactions (rows without a subject counted apart), the
     * channels the interactions arrived by and who recorded the feedback, and the interactions' ages.
     */
    public record Provenance(long rows, long dataSubjects, long rowsWithoutSubject, List<Source> channels,
                             List<Source> recordedBy, OffsetDateTime oldest, OffsetDateTime median,
                             OffsetDateTime newest) {
    }

    /** A share of the rows: {@code name} is a channel (gateway, api) or who recorded the feedback. */
    public record Source(String name, long rows) {
    }

    public static final String RECORDED_BY_SUBJECT = "the data subject";
    private static final int RECORDERS_LISTED = 5;

    public Provenance provenance(long[] feedbackIds) {
        String rows = """
                from feedback f join interaction i on i.id = f.interaction_id
                where f.id = any(?)""";
        Provenance totals = jdbc.sql("""
                        select count(*) as rows, count(distinct nullif(i.subject_id, '')) as subjects,
                               count(*) filter (where i.subject_id is null or i.subject_id = '') as without_subject,
                               min(i.created_at) as oldest,
                               percentile_disc(0.5) within group (order by i.created_at) as median,
                               max(i.created_at) as newest
                        """ + rows)
                .param(feedbackIds)
                .query((rs, i) -> new Provenance(rs.getLong("rows"), rs.getLong("subjects"),
                        rs.getLong("without_subject"), List.of(), List.of(),
                        rs.getObject("oldest", OffsetDateTime.class), rs.getObject("median", OffsetDateTime.class),
                        rs.getObject("newest", OffsetDateTime.class)))
                .single();
        // a gateway call has a call id; everything else came in through the feedback API (REST, stream, webhook)
        List<Source> channels = jdbc.sql("""
                        select case when i.call_id is not null then 'gateway'
                                    when i.external_id is not null then 'api (with an external id)'
                                    else 'api' end as channel, count(*)
                        """ + rows + " group by 1 order by 2 desc, 1")
                .param(feedbackIds)
                .query((rs, i) -> new Source(rs.getString(1), rs.getLong(2))).list();
        List<Source> recordedBy = jdbc.sql("""
                        select case when f.created_by = i.subject_id then ? else coalesce(f.created_by, 'unknown') end,
                               count(*)
                        """ + rows + " group by 1 order by 2 desc, 1 limit ?")
                .params(RECORDED_BY_SUBJECT, feedbackIds, RECORDERS_LISTED)
                .query((rs, i) -> new Source(rs.getString(1), rs.getLong(2))).list();
        return new Provenance(totals.rows(), totals.dataSubjects(), totals.rowsWithoutSubject(), channels,
                recordedBy, totals.oldest(), totals.median(), totals.newest());
    }

    /** An ideal output; {@code rejectedOutput} is the model's output a correction replaced (null otherwise). */
    public record IdealOutput(long feedbackId, long interactionId, String input, String idealOutput,
                              String rejectedOutput) {

        public IdealOutput(long feedbackId, long interactionId, String input, String idealOutput) {
            this(feedbackId, interactionId, input, idealOutput, null);
        }
    }

    /**
     * The ideal outputs in feedback order, one at a time, in the caller's transaction if there is one. Read with
     * {@code COPY (SELECT …) TO STDOUT}: the server streams the rows while they are being consumed, where a
     * cursor would wait for each batch to be asked for; millions of rows, constant memory.
     */
    public void forEachIdealOutput(long useCaseId, long feedbackUpToId, Consumer<IdealOutput> consumer) {
        // COPY takes no bind parameters: the two values are Java longs, formatted, never text from outside
        String copy = "copy (select feedback_id, interaction_id, input, ideal_output, rejected_output from ("
                + idealOutputs(Long.toString(useCaseId), Long.toString(feedbackUpToId))
                + ") t where ideal_output is not null order by feedback_id) to stdout";
        Connection connection = DataSourceUtils.getConnection(dataSource);
        CopyOut out = null;
        try {
            out = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy);
            for (byte[] row = out.readFromCopy(); row != null; row = out.readFromCopy()) {
                String[] fields = CopyTextRow.fields(row, 5);
                consumer.accept(new IdealOutput(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2],
                        fields[3], fields[4]));
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot read the ideal outputs of use case " + useCaseId, e);
        } finally {
            try {
                if (out != null && out.isActive()) {
                    out.cancelCopy(); // the consumer failed half-way
                }
            } catch (SQLException e) {
                log.warn("Could not cancel the COPY of use case {}'s ideal outputs", useCaseId, e);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        }
    }

}
