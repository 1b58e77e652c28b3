package org.hybridllm.lifecycle.feedback;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads of the logged traffic (interaction) and its feedback over a time window, for the monitor. Everything it
 * returns is bounded: totals and label counts are aggregates computed in PostgreSQL, row reads are random samples
 * capped by the caller, so a window of a million calls costs one scan in the database and a few hundred rows in
 * the app.
 */
@Repository
public class TrafficWindows {

    /** Distinct outputs counted at most (a classification has a handful; free text is cut off here). */
    private static final int MAX_DISTINCT_OUTPUTS = 1_000;

    /** @param meanCostUsd over the priced calls; null when none is priced */
    public record Totals(long interactions, long withLatency, long priced, Double meanCostUsd) {
    }

    /** One logged call as the sampled signals read it; latency and cost null when not recorded. */
    public record Call(String input, String output, Integer latencyMs, BigDecimal costUsd) {
    }

    /** Feedback that arrived in the window, on the use case's interactions. */
    public record FeedbackTotals(long feedback, long ratings, long negativeRatings, long corrections) {
    }

    /** A call with the output it should have given: the correction, or the output itself when rated good. */
    public record Judged(String input, String output, String ideal) {
    }

    private final JdbcClient jdbc;

    TrafficWindows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Totals totals(long useCaseId, Instant from, Instant to) {
        return jdbc.sql("""
                        select count(*), count(latency_ms), count(cost_usd), avg(cost_usd)
                        from interaction where use_case_id = ? and created_at > ? and created_at <= ?""")
                .params(useCaseId, ts(from), ts(to))
                .query((rs, i) -> new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        rs.getBigDecimal(4) == null ? null : rs.getBigDecimal(4).doubleValue()))
                .single();
    }

    /**
     * A uniform random sample of at most {@code cap} calls of the window. A Bernoulli filter keeps about
     * {@code 1.5 × cap} of the {@code total} rows while scanning, and a top-N sort by a random key (bounded by the
     * limit) picks {@code cap} of them: the app never holds more than {@code cap} rows.
     */
    public List<Call> sample(long useCaseId, Instant from, Instant to, long total, int cap) {
        double keep = total <= cap ? 1.0 : Math.min(1.0, 1.5 * cap / total);
        return jdbc.sql("""
                        select input, output, latency_ms, cost_usd from interaction
                        where use_case_id = ? and created_at > ? and created_at <= ? and random() < ?
                        order by random() limit ?""")
                .params(useCaseId, ts(from), ts(to), keep, cap)
                .query((rs, i) -> new Call(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3),
                        rs.getBigDecimal(4)))
                .list();
    }

    /** Every output of the window with its count, most frequent first (classification: the label mix). */
    public Map<String, Long> outputCounts(long useCaseId, Instant from, Instant to) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("""
                        select coalesce(output, ''), count(*) from interaction
                        where use_case_id = ? and created_at > ? and created_at <= ?
                        group by 1 order by 2 desc, 1 limit ?""")
                .params(useCaseId, ts(from), ts(to), MAX_DISTINCT_OUTPUTS)
                .query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2)))
                .list();
        return counts;
    }

    public FeedbackTotals feedbackTotals(long useCaseId, Instant from, Instant to) {
        return jdbc.sql("""
                        select count(*), count(f.rating), count(*) filter (where f.rating = -1),
                               count(f.corrected_output)
                        from feedback f join interaction i on i.id = f.interaction_id
                        where i.use_case_id = ? and f.created_at > ? and f.created_at <= ?""")
                .params(useCaseId, ts(from), ts(to))
                .query((rs, i) -> new FeedbackTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .single();
    }

    /** A random sample of the window's feedback that carries an ideal output (a correction or a good rating). */
    public List<Judged> judgedSample(long useCaseId, Instant from, Instant to, int cap) {
        return jdbc.sql("""
                        select i.input, i.output, coalesce(f.corrected_output, i.output)
                        from feedback f join interaction i on i.id = f.interaction_id
                        where i.use_case_id = ? and f.created_at > ? and f.created_at <= ?
                          and (f.corrected_output is not null or f.rating = 1) and i.output is not null
                        order by random() limit ?""")
                .params(useCaseId, ts(from), ts(to), cap)
                .query((rs, i) -> new Judged(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    /**
     * Inputs and ideal outputs of the given feedback rows (a dataset split's), at most {@code cap}, picked by a
     * hash of the feedback id: the same rows every time, so a reference does not move between checks.
     */
    public List<Judged> examplesOf(long[] feedbackIds, int cap) {
        return jdbc.sql("""
                        select i.input, i.output, coalesce(f.corrected_output, i.output)
                        from feedback f join interaction i on i.id = f.interaction_id
                        where f.id = any(?) order by hashtextextended(f.id::text, 19) limit ?""")
                .params(feedbackIds, cap)
                .query((rs, i) -> new Judged(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
