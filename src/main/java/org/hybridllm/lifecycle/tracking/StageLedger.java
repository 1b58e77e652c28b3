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

    /**
     * Where a job's stage stands: the run's status (null if the run is not in Postgres), the stage's key in the
     * run's current revision (a run sent back by a reviewer runs its stages again, recorded under their own key)
     * and the stage's recorded output if it has completed in that revision. One round trip.
     */
    public record Position(RunStatus runStatus, String stage, Optional<String> output) {
    }

    public Position position(UUID runId, String jobType) {
        return jdbc.sql("""
                        select r.status, s.output::text as output,
                               case when coalesce(r.revision, 0) = 0 then ? else ? || '@r' || r.revision end as stage
                        from (select cast(? as uuid) as id) k
                        left join lifecycle_run r on r.id = k.id
                        left join run_stage s on s.run_id = k.id
                             and s.stage = case when coalesce(r.revision, 0) = 0 then ? else ? || '@r' || r.revision end""")
                .params(jobType, jobType, runId, jobType, jobType)
                .query((rs, i) -> new Position(rs.getString("status") == null ? null
                        : RunStatus.valueOf(rs.getString("status")), rs.getString("stage"),
                        Optional.ofNullable(rs.getString("output"))))
                .single();
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
     * Serialises the executions of one job type of one run (every revision of its stage) until the calling
     * transaction ends: a job handed out again while its first attempt still works (job timeout, another app
     * instance) waits, then finds the recorded output instead of doing the work a second time.
     */
    public void lock(UUID runId, String jobType) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))").param(runId + "/" + jobType)
                .query((rs, i) -> 1).single();
    }
}
