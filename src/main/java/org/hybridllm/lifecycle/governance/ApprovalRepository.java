package org.hybridllm.lifecycle.governance;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ApprovalRepository {

    /** An approval row with the reviewers who approved it so far (approval_vote). */
    private static final String SELECT = """
            select a.*, array(select v.reviewer from approval_vote v
                              where v.approval_id = a.id and v.decision = 'APPROVE' order by v.id) as approved_by
            from approval a
            """;

    private static final RowMapper<Approval> MAPPER = (rs, i) -> {
        Approval.Status status = Approval.Status.valueOf(rs.getString("status"));
        String decidedBy = rs.getString("decided_by");
        List<String> approvedBy = List.of((String[]) rs.getArray("approved_by").getArray());
        if (approvedBy.isEmpty() && status == Approval.Status.APPROVED && decidedBy != null) {
            approvedBy = List.of(decidedBy); // decided before votes were recorded (V12)
        }
        String evidence = rs.getString("evidence");
        // a decided gate keeps the hash its deciding reviewer saw; an open one shows the hash to send back
        String evidenceSha256 = rs.getString("evidence_sha256") != null ? rs.getString("evidence_sha256")
                : Sha256.of(evidence);
        return new Approval(rs.getObject("id", UUID.class), rs.getObject("run_id", UUID.class),
                rs.getString("gate_type"), status, rs.getString("requested_by"), evidence, decidedBy,
                rs.getObject("decided_at", OffsetDateTime.class), rs.getString("comment"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getString("checklist"),
                evidenceSha256, rs.getObject("escalated_at", OffsetDateTime.class),
                rs.getString("change_target"), rs.getBoolean("requester_verified"), rs.getInt("required_approvals"),
                approvedBy);
    };

    private final JdbcClient jdbc;

    public ApprovalRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, UUID runId, String gateType, String requestedBy, String evidenceJson,
                       boolean requesterVerified, int requiredApprovals) {
        jdbc.sql("""
                        insert into approval (id, run_id, gate_type, status, requested_by, evidence,
                                              requester_verified, required_approvals)
                        values (?, ?, ?, 'PENDING', ?, ?::jsonb, ?, ?)""")
                .params(id, runId, gateType, requestedBy, evidenceJson, requesterVerified, requiredApprovals)
                .update();
    }

    public Optional<Approval> find(UUID id) {
        return jdbc.sql(SELECT + " where a.id = ?").param(id).query(MAPPER).optional();
    }

    public Optional<Approval> findForUpdate(UUID id) {
        return jdbc.sql(SELECT + " where a.id = ? for update of a").param(id).query(MAPPER).optional();
    }

    /** The run's latest approval for a gate. */
    public Optional<Approval> latestFor(UUID runId, String gateType) {
        return jdbc.sql(SELECT + " where a.run_id = ? and a.gate_type = ? order by a.created_at desc limit 1")
                .params(runId, gateType).query(MAPPER).optional();
    }

    /** The stage the reviewer sent the run back to (PROMPT or DATASET): that of its latest change request. */
    public Optional<String> requestedChangeTarget(UUID runId) {
        return jdbc.sql("""
                        select change_target from approval where run_id = ? and status = 'CHANGES_REQUESTED'
                        and change_target is not null order by decided_at desc nulls last, created_at desc limit 1""")
                .param(runId).query(String.class).optional();
    }

    public List<Approval> findByRun(UUID runId) {
        return jdbc.sql(SELECT + " where a.run_id = ? order by a.created_at").param(runId)
                .query(MAPPER).list();
    }

    public List<Approval> findPending() {
        return jdbc.sql(SELECT + " where a.status = 'PENDING' order by a.created_at").query(MAPPER).list();
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

    /** One reviewer's decision on a gate; at most one per reviewer (case-insensitive). */
    public void insertVote(UUID approvalId, String reviewer, DecisionRequest.Decision decision, String comment,
                           String checklistJson, String evidenceSha256, String changeTarget) {
        jdbc.sql("""
                        insert into approval_vote (approval_id, reviewer, decision, comment, checklist,
                                                   evidence_sha256, change_target)
                        values (?, ?, ?, ?, ?::jsonb, ?, ?)""")
                .params(approvalId, reviewer, decision.name(), comment, checklistJson, evidenceSha256, changeTarget)
                .update();
    }

    /** The reviewer's own decision on the gate, if they took one. */
    public Optional<DecisionRequest.Decision> voteOf(UUID approvalId, String reviewer) {
        return jdbc.sql("select decision from approval_vote where approval_id = ? and lower(reviewer) = lower(?)")
                .params(approvalId, reviewer)
                .query((rs, i) -> DecisionRequest.Decision.valueOf(rs.getString(1)))
                .optional();
    }

    /** A cancelled run's pending gates are closed, recorded as cancelled by whoever cancelled the run. */
    public int cancelPending(UUID runId, String cancelledBy, String reason) {
        return jdbc.sql("""
                        update approval set status = 'CANCELLED', decided_by = ?, decided_at = now(), comment = ?
                        where run_id = ? and status = 'PENDING'""")
                .params(cancelledBy, reason, runId).update();
    }

    public List<Approval> findDecided(int limit) {
        return jdbc.sql(SELECT + " where a.status <> 'PENDING' order by a.decided_at desc limit ?")
                .param(limit).query(MAPPER).list();
    }

    public void markEscalated(UUID id) {
        jdbc.sql("update approval set escalated_at = now() where id = ? and escalated_at is null").param(id).update();
    }
}
