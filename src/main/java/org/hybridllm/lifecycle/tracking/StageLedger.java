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
    public void record(UUID runId, String stage, String outputJson, long jobKey, OffsetDateTime startedAt) {
        jdbc.sql("""
                        insert into run_stage (run_id, stage, output, job_key, started_at, completed_at)
                        values (?, ?, ?::jsonb, ?, ?, clock_timestamp())""")
                .params(runId, stage, outputJson, jobKey, startedAt)
                .update();
    }

    public void forget(UUID runId, String stage) {
        jdbc.sql("delete from run_stage where run_id = ? and stage = ?").params(runId, stage).update();
    }
}
