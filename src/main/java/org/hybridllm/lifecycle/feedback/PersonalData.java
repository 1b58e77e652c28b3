package org.hybridllm.lifecycle.feedback;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The interaction and feedback rows that hold a person's data, found by data subject (right to erasure) or by age
 * (retention), and their deletion. Feedback goes with its interaction: a rating or a correction of an input that is
 * erased is the subject's data too.
 */
@Repository
public class PersonalData {

    /** Interaction ids and the ids of their feedback rows, each sorted. */
    public record Rows(long[] interactionIds, long[] feedbackIds) {

        public static final Rows NONE = new Rows(new long[0], new long[0]);

        public boolean isEmpty() {
            return interactionIds.length == 0 && feedbackIds.length == 0;
        }
    }

    private final JdbcClient jdbc;

    public PersonalData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every use case's interactions that name this data subject, and their feedback. */
    public Rows ofSubject(String subjectId) {
        long[] interactions = ids(jdbc.sql("select id from interaction where subject_id = ? order by id")
                .param(subjectId).query(Long.class).list());
        return withFeedback(interactions);
    }

    /** The use case's interactions logged before {@code cutoff}, and their feedback. */
    public Rows olderThan(long useCaseId, OffsetDateTime cutoff) {
        long[] interactions = ids(jdbc.sql("""
                        select id from interaction where use_case_id = ? and created_at < ? order by id""")
                .params(useCaseId, cutoff).query(Long.class).list());
        return withFeedback(interactions);
    }

    /** Deletes the rows (call in the transaction that also rewrites the datasets built from them). */
    public void delete(Rows rows) {
        if (rows.feedbackIds().length > 0) {
            jdbc.sql("delete from feedback where id = any(?)").param(rows.feedbackIds()).update();
        }
        if (rows.interactionIds().length > 0) {
            // feedback recorded meanwhile on these interactions goes too (the foreign key would refuse otherwise)
            jdbc.sql("delete from feedback where interaction_id = any(?)").param(rows.interactionIds()).update();
            jdbc.sql("delete from interaction where id = any(?)").param(rows.interactionIds()).update();
        }
    }

    private Rows withFeedback(long[] interactions) {
        if (interactions.length == 0) {
            return Rows.NONE;
        }
        long[] feedback = ids(jdbc.sql("select id from feedback where interaction_id = any(?) order by id")
                .param(interactions).query(Long.class).list());
        return new Rows(interactions, feedback);
    }

    private static long[] ids(List<Long> ids) {
        long[] array = ids.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(array);
        return array;
    }
}
