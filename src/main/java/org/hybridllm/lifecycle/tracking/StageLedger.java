package org.hybridllm.lifecycle.tracking;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** run_stage: the recorded output of each completed stage (job type) of a run. */
@Repository
public class StageLedger {

    private final JdbcClient jdbc;

    public StageLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> completedOutput(UUID runId, String stage) {
        return jdbc.sql("select output::text from run_stage where run_id = ? and stage = ?")
                .params(runId, stage)
                .query(String.class)
                .optional();
    }

    /** Fails with a DuplicateKeyException when the stage was already recorded (a concurrent retry won). */
    public void record(UUID runId, String stage, String outputJson, long jobKey, OffsetDateTime startedAt,
                       String executedBy) {
        jdbc.sql("""
                        insert into run_stage (run_id, stage, output, job_key, started_at, completed_at, executed_by)
                        values (?, ?, ?::jsonb, ?, ?, clock_timestamp(), ?)""")
                .params(runId, stage, outputJson, jobKey, startedAt, executedBy)
                .update();
    }

    /**
     * Serialises the executions of one stage of one run until the calling transaction ends: a job handed out
     * again while its first attempt still works (job timeout, another app instance) waits, then finds the
     * recorded output instead of doing the work a second time.
     */
    public void lock(UUID runId, String stage) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))").param(runId + "/" + stage)
                .query((rs, i) -> 1).single();
    }

    public void forget(UUID runId, String stage) {
        jdbc.sql("delete from run_stage where run_id = ? and stage = ?").params(runId, stage).update();
    }
}
