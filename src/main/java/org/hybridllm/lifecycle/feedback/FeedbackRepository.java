package org.hybridllm.lifecycle.feedback;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** interaction and feedback rows: what production traffic and its users said. */
@Repository
public class FeedbackRepository {

    /** The latest feedback of each interaction that gives an ideal output: a correction, or a thumbs-up. */
    private static final String IDEAL_OUTPUTS = """
            select distinct on (f.interaction_id)
                   f.id as feedback_id, i.id as interaction_id, i.input,
                   coalesce(f.corrected_output, case when f.rating = 1 then i.output end) as ideal_output
            from feedback f join interaction i on i.id = f.interaction_id
            where i.use_case_id = ? and f.id <= ?
            order by f.interaction_id, f.id desc
            """;

    private final JdbcClient jdbc;

    public FeedbackRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
        long fresh = jdbc.sql("select count(*) from (" + IDEAL_OUTPUTS + ") t where ideal_output is not null"
                        + " and not exists (select 1 from dataset_version_feedback d where d.feedback_id = t.feedback_id)")
                .params(useCaseId, upTo).query(Long.class).single();
        return new Summary(interactions, feedback, negative, labelled, fresh, upTo);
    }

    public record IdealOutput(long feedbackId, long interactionId, String input, String idealOutput) {
    }

    /** Interactions with an ideal output as of the pinned feedback id, oldest first. */
    public List<IdealOutput> idealOutputs(long useCaseId, long feedbackUpToId) {
        return jdbc.sql("select * from (" + IDEAL_OUTPUTS + ") t where ideal_output is not null order by feedback_id")
                .params(useCaseId, feedbackUpToId)
                .query((rs, i) -> new IdealOutput(rs.getLong("feedback_id"), rs.getLong("interaction_id"),
                        rs.getString("input"), rs.getString("ideal_output")))
                .list();
    }
}
