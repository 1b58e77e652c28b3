package org.hybridllm.lifecycle.governance;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ApprovalRepository {

    private static final RowMapper<Approval> MAPPER = (rs, i) -> new Approval(rs.getObject("id", UUID.class),
            rs.getObject("run_id", UUID.class), rs.getString("gate_type"),
            Approval.Status.valueOf(rs.getString("status")), rs.getString("requested_by"),
            rs.getString("evidence"), rs.getString("decided_by"), rs.getObject("decided_at", OffsetDateTime.class),
            rs.getString("comment"), rs.getObject("created_at", OffsetDateTime.class), rs.getString("checklist"),
            rs.getString("evidence_sha256"), rs.getObject("escalated_at", OffsetDateTime.class),
            rs.getString("change_target"));

    private final JdbcClient jdbc;

    public ApprovalRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, UUID runId, String gateType, String requestedBy, String evidenceJson) {
        jdbc.sql("""
                        insert into approval (id, run_id, gate_type, status, requested_by, evidence)
                        values (?, ?, ?, 'PENDING', ?, ?::jsonb)""")
                .params(id, runId, gateType, requestedBy, evidenceJson)
                .update();
    }

    public Optional<Approval> find(UUID id) {
        return jdbc.sql("select * from approval where id = ?").param(id).query(MAPPER).optional();
    }

    public Optional<Approval> findForUpdate(UUID id) {
        return jdbc.sql("select * from approval where id = ? for update").param(id).query(MAPPER).optional();
    }

    /** The run's latest approval for a gate. */
    public Optional<Approval> latestFor(UUID runId, String gateType) {
        return jdbc.sql("select * from approval where run_id = ? and gate_type = ? order by created_at desc limit 1")
                .params(runId, gateType).query(MAPPER).optional();
    }

    public List<Approval> findByRun(UUID runId) {
        return jdbc.sql("select * from approval where run_id = ? order by created_at").param(runId)
                .query(MAPPER).list();
    }

    public List<Approval> findPending() {
        return jdbc.sql("select * from approval where status = 'PENDING' order by created_at").query(MAPPER).list();
    }

    public void decide(UUID id, Approval.Status status, String decidedBy, String comment, String checklistJson,
                       String evidenceSha256, String changeTarget) {
        jdbc.sql("""
                        update approval set status = ?, decided_by = ?, decided_at = now(), comment = ?,
                               checklist = ?::jsonb, evidence_sha256 = ?, change_target = ?
                        where id = ? and status = 'PENDING'""")
                .params(status.name(), decidedBy, comment, checklistJson, evidenceSha256, changeTarget, id)
                .update();
    }

    /** A cancelled run's pending gates are closed, recorded as cancelled by whoever cancelled the run. */
    public int cancelPending(UUID runId, String cancelledBy, String reason) {
        return jdbc.sql("""
                        update approval set status = 'CANCELLED', decided_by = ?, decided_at = now(), comment = ?
                        where run_id = ? and status = 'PENDING'""")
                .params(cancelledBy, reason, runId).update();
    }

    public List<Approval> findDecided(int limit) {
        return jdbc.sql("select * from approval where status <> 'PENDING' order by decided_at desc limit ?")
                .param(limit).query(MAPPER).list();
    }

    public void markEscalated(UUID id) {
        jdbc.sql("update approval set escalated_at = now() where id = ? and escalated_at is null").param(id).update();
    }
}
