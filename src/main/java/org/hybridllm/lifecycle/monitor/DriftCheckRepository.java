package org.hybridllm.lifecycle.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** drift_check (every check and what it started) and use_case_monitor (who is watched, how often, by which instance). */
@Repository
class DriftCheckRepository {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    DriftCheckRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A use case's monitor settings and the instance watching it. */
    record Monitor(long useCaseId, boolean enabled, String checkInterval, Long processInstanceKey,
                   OffsetDateTime startedAt, String updatedBy, OffsetDateTime updatedAt) {
    }

    Optional<Monitor> monitor(long useCaseId) {
        return jdbc.sql("select * from use_case_monitor where use_case_id = ?").param(useCaseId)
                .query((rs, i) -> monitor(rs)).optional();
    }

    Optional<Monitor> monitorForUpdate(long useCaseId) {
        jdbc.sql("insert into use_case_monitor (use_case_id, updated_by) values (?, 'system') on conflict do nothing")
                .param(useCaseId).update();
        return jdbc.sql("select * from use_case_monitor where use_case_id = ? for update").param(useCaseId)
                .query((rs, i) -> monitor(rs)).optional();
    }

    List<Monitor> monitors() {
        return jdbc.sql("select * from use_case_monitor order by use_case_id").query((rs, i) -> monitor(rs)).list();
    }

    void updateSettings(long useCaseId, boolean enabled, String checkInterval, String user) {
        jdbc.sql("""
                        insert into use_case_monitor (use_case_id, enabled, check_interval, updated_by)
                        values (?, ?, ?, ?)
                        on conflict (use_case_id) do update set enabled = excluded.enabled,
                            check_interval = excluded.check_interval, updated_by = excluded.updated_by,
                            updated_at = now()""")
                .params(useCaseId, enabled, checkInterval, user).update();
    }

    void attachInstance(long useCaseId, Long processInstanceKey) {
        jdbc.sql("""
                        update use_case_monitor set process_instance_key = ?,
                            started_at = case when ?::bigint is null then started_at else now() end
                        where use_case_id = ?""")
                .params(processInstanceKey, processInstanceKey, useCaseId).update();
    }

    /** Clears the instance only if it is still the one recorded (a newer one may have replaced it). */
    void detachInstance(long useCaseId, long processInstanceKey) {
        jdbc.sql("update use_case_monitor set process_instance_key = null where use_case_id = ? "
                        + "and process_instance_key = ?")
                .params(useCaseId, processInstanceKey).update();
    }

    /** The end of the last evaluated window of the use case, if any. */
    Optional<Instant> lastEvaluatedEnd(long useCaseId) {
        return jdbc.sql("select max(window_end) from drift_check where use_case_id = ? and evaluated "
                        + "and source = 'MONITOR'")
                .param(useCaseId).query((rs, i) -> rs.getTimestamp(1)).optional()
                .filter(t -> t != null).map(Timestamp::toInstant);
    }

    record NewCheck(long useCaseId, String source, Long jobKey, Long processInstanceKey, Long modelVersionId,
                    Instant windowStart, Instant windowEnd, long interactions, int sampled, boolean evaluated,
                    boolean tripped, List<Signal> signals, long durationMs) {
    }

    /** @return the check's id; a retried job (same job key) gets the id recorded first and records nothing */
    long insert(NewCheck check) {
        Optional<Long> inserted = jdbc.sql("""
                        insert into drift_check (use_case_id, source, job_key, process_instance_key, model_version_id,
                            window_start, window_end, interactions, sampled, evaluated, tripped, signals, duration_ms)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
                        on conflict (job_key) do nothing returning id""")
                .params(check.useCaseId(), check.source(), check.jobKey(), check.processInstanceKey(),
                        check.modelVersionId(), Timestamp.from(check.windowStart()),
                        Timestamp.from(check.windowEnd()), check.interactions(), check.sampled(), check.evaluated(),
                        check.tripped(), Jsonb.write(json, check.signals()), (int) check.durationMs())
                .query(Long.class).optional();
        return inserted.orElseGet(() -> byJob(check.jobKey()).orElseThrow().id());
    }

    Optional<DriftCheck> byJob(Long jobKey) {
        if (jobKey == null) {
            return Optional.empty();
        }
        return jdbc.sql(SELECT + " where c.job_key = ?").param(jobKey).query((rs, i) -> check(rs)).optional();
    }

    Optional<DriftCheck> find(long id) {
        return jdbc.sql(SELECT + " where c.id = ?").param(id).query((rs, i) -> check(rs)).optional();
    }

    Optional<DriftCheck> findForUpdate(long id) {
        return jdbc.sql(SELECT + " where c.id = ? for update").param(id).query((rs, i) -> check(rs)).optional();
    }

    void recordRun(long checkId, UUID runId, boolean started) {
        jdbc.sql("update drift_check set run_id = ?, run_started = ? where id = ?").params(runId, started, checkId)
                .update();
    }

    /** Newest first. */
    List<DriftCheck> list(long useCaseId, int limit, long offset) {
        return jdbc.sql(SELECT + " where c.use_case_id = ? order by c.id desc limit ? offset ?")
                .params(useCaseId, limit, offset).query((rs, i) -> check(rs)).list();
    }

    long count(long useCaseId) {
        return jdbc.sql("select count(*) from drift_check where use_case_id = ?").param(useCaseId)
                .query(Long.class).single();
    }

    private static final String SELECT = "select c.* from drift_check c";

    private DriftCheck check(ResultSet rs) throws SQLException {
        List<Signal> signals;
        try {
            signals = json.readValue(rs.getString("signals"), new TypeReference<List<Signal>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("drift_check.signals holds invalid JSON", e);
        }
        return new DriftCheck(rs.getLong("id"), rs.getString("source"), (Long) rs.getObject("model_version_id"),
                rs.getObject("window_start", OffsetDateTime.class), rs.getObject("window_end", OffsetDateTime.class),
                rs.getLong("interactions"), rs.getInt("sampled"), rs.getBoolean("evaluated"),
                rs.getBoolean("tripped"), signals, (Integer) rs.getObject("duration_ms"),
                rs.getObject("run_id", UUID.class), (Boolean) rs.getObject("run_started"),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    private static Monitor monitor(ResultSet rs) throws SQLException {
        return new Monitor(rs.getLong("use_case_id"), rs.getBoolean("enabled"), rs.getString("check_interval"),
                (Long) rs.getObject("process_instance_key"), rs.getObject("started_at", OffsetDateTime.class),
                rs.getString("updated_by"), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
