package org.hybridllm.lifecycle.stage;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** run_stage: the recorded output of each completed stage (job type) of a run. */
@Repository
class StageLedger {

    private final JdbcClient jdbc;

    StageLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The key a job type's stage is recorded under in a run's revision. */
    static String stageKey(String jobType, int revision) {
        return revision == 0 ? jobType : jobType + "@r" + revision;
    }

    Optional<String> output(UUID runId, String stage) {
        return jdbc.sql("select output::text from run_stage where run_id = ? and stage = ?")
                .params(runId, stage).query(String.class).optional();
    }

    /** Fails with a DuplicateKeyException when the stage was already recorded (a concurrent attempt won). */
    void record(UUID runId, String stage, String outputJson, long jobKey, OffsetDateTime startedAt,
                String executedBy) {
        jdbc.sql("""
                        insert into run_stage (run_id, stage, output, job_key, started_at, completed_at, executed_by)
                        values (?, ?, ?::jsonb, ?, ?, clock_timestamp(), ?)""")
                .params(runId, stage, outputJson, jobKey, startedAt, executedBy)
                .update();
    }

    /**
     * Serialises the claims and records of one job type of one run (every revision of its stage) until the
     * calling transaction ends: an attempt handed out while another records waits, then finds the output.
     */
    void lock(UUID runId, String jobType) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))").param(runId + "/" + jobType)
                .query((rs, i) -> 1).single();
    }
}
