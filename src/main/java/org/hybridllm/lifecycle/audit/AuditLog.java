package org.hybridllm.lifecycle.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.hybridllm.lifecycle.api.Jsonb;
import java.util.List;
import java.time.OffsetDateTime;

/** Writes audit_event rows. The table is append-only (a trigger refuses update and delete). */
@Component
public class AuditLog {

    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public AuditLog(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void record(String actor, String action, String entityType, Object entityId, UUID runId,
                       Map<String, ?> details) {
        jdbc.sql("""
                        insert into audit_event (actor, action, entity_type, entity_id, run_id, details)
                        values (?, ?, ?, ?, ?, ?::jsonb)""")
                .params(actor, action, entityType, String.valueOf(entityId), runId,
                        Jsonb.write(json, details == null ? Map.of() : details))
                .update();
    }

    public record Event(long id, OffsetDateTime occurredAt, String actor, String action, String entityType,
                        String entityId, String details) {
    }

    public List<Event> forRun(UUID runId) {
        return jdbc.sql("select * from audit_event where run_id = ? order by id").param(runId)
                .query((rs, i) -> new Event(rs.getLong("id"), rs.getObject("occurred_at", OffsetDateTime.class),
                        rs.getString("actor"), rs.getString("action"), rs.getString("entity_type"),
                        rs.getString("entity_id"), rs.getString("details")))
                .list();
    }

    /** The run's latest event of this action, if it has one. */
    public Optional<Event> latest(UUID runId, String action) {
        return jdbc.sql("select * from audit_event where run_id = ? and action = ? order by id desc limit 1")
                .params(runId, action)
                .query((rs, i) -> new Event(rs.getLong("id"), rs.getObject("occurred_at", OffsetDateTime.class),
                        rs.getString("actor"), rs.getString("action"), rs.getString("entity_type"),
                        rs.getString("entity_id"), rs.getString("details")))
                .optional();
    }

    /** Why the run's last failed stage failed (the message of its latest STAGE_FAILED event), if one did. */
    public Optional<String> lastStageFailure(UUID runId) {
        return jdbc.sql("""
                        select details->>'message' from audit_event
                        where run_id = ? and action = 'STAGE_FAILED' order by id desc limit 1""")
                .param(runId).query(String.class).optional();
    }
}
