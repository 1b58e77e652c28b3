package org.hybridllm.lifecycle.run;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class RunRepository {

    private static final String SELECT = "select r.* from lifecycle_run r ";

    /** The use case's key comes from the usecase module (its table is not this module's to read). */
    private final RowMapper<LifecycleRun> mapper = (rs, i) -> new LifecycleRun(
            rs.getObject("id", UUID.class),
            rs.getLong("use_case_id"),
            useCaseKey(rs.getLong("use_case_id")),
            RunStatus.valueOf(rs.getString("status")),
            rs.getString("outcome"),
            rs.getString("failure_reason"),
            (Long) rs.getObject("process_instance_key"),
            rs.getString("started_by"),
            rs.getBoolean("requester_verified"),
            rs.getInt("attempt"),
            rs.getInt("revision"),
            rs.getObject("created_at", OffsetDateTime.class),
            rs.getObject("updated_at", OffsetDateTime.class),
            rs.getObject("finished_at", OffsetDateTime.class));

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final UseCaseRepository useCases;
    private final Map<Long, String> useCaseKeys = new ConcurrentHashMap<>(); // a use case's key never changes

    public RunRepository(JdbcClient jdbc, ApplicationEventPublisher events, UseCaseRepository useCases) {
        this.jdbc = jdbc;
        this.events = events;
        this.useCases = useCases;
    }

    private String useCaseKey(long useCaseId) {
        return useCaseKeys.computeIfAbsent(useCaseId, id -> useCases.get(id).key());
    }

    /** A filter by use case key as an id filter: null for no filter, -1 for a key no use case has. */
    private Long useCaseFilter(String useCaseKey) {
        return useCaseKey == null ? null : useCases.findByKey(useCaseKey).map(UseCase::id).orElse(-1L);
    }

    /** A run the app started for an authenticated requester. */
    public void insert(UUID id, long useCaseId, String startedBy) {
        insert(id, useCaseId, startedBy, true);
    }

    /** @param requesterVerified false when nobody checked who {@code startedBy} is (a run started through the engine) */
    public void insert(UUID id, long useCaseId, String startedBy, boolean requesterVerified) {
        jdbc.sql("""
                        insert into lifecycle_run (id, use_case_id, status, started_by, requester_verified)
                        values (?, ?, 'RUNNING', ?, ?)""")
                .params(id, useCaseId, startedBy, requesterVerified)
                .update();
    }

    /** A run accepted but not started yet: the dispatcher creates its process instance (RunStartQueue). */
    void insertQueued(UUID id, long useCaseId, String startedBy) {
        jdbc.sql("""
                        insert into lifecycle_run (id, use_case_id, status, started_by, requester_verified)
                        values (?, ?, 'QUEUED', ?, true)""")
                .params(id, useCaseId, startedBy)
                .update();
    }

    /**
     * The runs that keep another from starting for their use case (at most one open run per use case): queued,
     * running, waiting, or interrupted (resumable). One definition and one lock for every path that starts runs
     * under the rule (drift, retraining), so that two of them cannot both start one.
     */
    private static final String OPEN_STATUSES =
            "('QUEUED', 'RUNNING', 'AWAITING_APPROVAL', 'AWAITING_CHANGES', 'INTERRUPTED')";

    /**
     * Serialises the "at most one open run" check of a use case with the run it may insert, for the rest of the
     * transaction (runs started by drift or by a retraining call).
     */
    void lockUseCaseRuns(long useCaseId) {
        jdbc.sql("select pg_advisory_xact_lock(?, ?)").params(3, (int) useCaseId).query((rs, i) -> 1).list();
    }

    /** The use case's newest run that is not finished: queued, running, waiting or interrupted (resumable). */
    Optional<LifecycleRun> findOpenOfUseCase(long useCaseId) {
        return jdbc.sql(SELECT + " where r.use_case_id = ? and r.status in " + OPEN_STATUSES
                        + " order by r.created_at desc limit 1")
                .param(useCaseId).query(mapper).optional();
    }

    /** The drift evidence the run was started with (jsonb). */
    void recordDrift(UUID id, String driftJson) {
        jdbc.sql("update lifecycle_run set drift = ?::jsonb where id = ?").params(driftJson, id).update();
    }

    public Optional<LifecycleRun> find(UUID id) {
        return jdbc.sql(SELECT + " where r.id = ?").param(id).query(mapper).optional();
    }

    /** Locks the run row until the end of the transaction, so state changes of one run are serialised. */
    public Optional<LifecycleRun> findForUpdate(UUID id) {
        return jdbc.sql(SELECT + " where r.id = ? for update of r").param(id).query(mapper).optional();
    }

    public List<LifecycleRun> findOpen() {
        return jdbc.sql(SELECT + " where r.status in ('RUNNING', 'AWAITING_APPROVAL', 'AWAITING_CHANGES') order by r.created_at")
                .query(mapper).list();
    }

    /**
     * The use case's open runs ({@link #OPEN_STATUSES}), oldest first, after locking run
     * starts of the use case until the end of the transaction: a check and a start under it never race another.
     */
    public List<LifecycleRun> lockAndFindOpen(long useCaseId) {
        lockUseCaseRuns(useCaseId);
        return jdbc.sql(SELECT + " where r.use_case_id = ? and r.status in " + OPEN_STATUSES
                        + " order by r.created_at")
                .param(useCaseId).query(mapper).list();
    }

    /** Newest first, one page of the runs the filter matches. */
    public List<LifecycleRun> findPage(RunFilter filter, long offset, int limit) {
        return filtered(SELECT, filter, " order by r.created_at desc, r.id limit :limit offset :offset")
                .param("limit", limit)
                .param("offset", offset)
                .query(mapper).list();
    }

    public long count(RunFilter filter) {
        return filtered("select count(*) from lifecycle_run r ", filter, "").query(Long.class).single();
    }

    /** Every condition is in the statement, each disabled by a null parameter: the SQL never varies with values. */
    private JdbcClient.StatementSpec filtered(String select, RunFilter filter, String tail) {
        return jdbc.sql(select + """
                         where (cast(:useCaseId as bigint) is null or r.use_case_id = :useCaseId)
                           and (cast(:status as text) is null or r.status = :status)
                           and (cast(:outcome as text) is null or r.outcome = :outcome)
                           and (cast(:startedBy as text) is null or r.started_by = :startedBy)
                           and (cast(:createdFrom as timestamptz) is null or r.created_at >= :createdFrom)
                           and (cast(:createdTo as timestamptz) is null or r.created_at < :createdTo)""" + tail)
                .param("useCaseId", useCaseFilter(filter.useCase()))
                .param("status", statusName(filter.status()))
                .param("outcome", filter.outcome() == null ? null : filter.outcome().name())
                .param("startedBy", filter.startedBy())
                .param("createdFrom", filter.createdFrom())
                .param("createdTo", filter.createdTo());
    }

    private static String statusName(RunStatus status) {
        return status == null ? null : status.name();
    }

    public void attachProcessInstance(UUID id, long processInstanceKey) {
        jdbc.sql("update lifecycle_run set process_instance_key = ?, updated_at = now() where id = ?")
                .params(processInstanceKey, id)
                .update();
    }

    /**
     * Makes {@code processInstanceKey} the run's instance unless it has another one or has ended; an INTERRUPTED
     * run whose instance turns up after all (the engine created it, but its answer never came) is RUNNING again,
     * and so is a QUEUED one (its instance created by the dispatcher, or registered by its first job first).
     *
     * @return whether the instance is the run's
     */
    public boolean claimProcessInstance(UUID id, long processInstanceKey) {
        return jdbc.sql("""
                        update lifecycle_run
                        set process_instance_key = ?, updated_at = now(),
                            status = case when status in ('INTERRUPTED', 'QUEUED') then 'RUNNING' else status end
                        where id = ? and (process_instance_key = ?
                              or (process_instance_key is null and status in ('QUEUED', 'RUNNING', 'INTERRUPTED')))""")
                .params(processInstanceKey, id, processInstanceKey)
                .update() == 1;
    }

    /** INTERRUPTED, unless an instance of the run has claimed it meanwhile; whether it was marked. */
    public boolean markInterruptedWithoutInstance(UUID id) {
        return jdbc.sql("""
                        update lifecycle_run set status = 'INTERRUPTED', updated_at = now()
                        where id = ? and process_instance_key is null""")
                .param(id)
                .update() == 1 && stopped(id, RunStatus.INTERRUPTED);
    }

    private boolean stopped(UUID id, RunStatus status) {
        if (!status.isOpen()) {
            events.publishEvent(new RunStopped(id, status));
        }
        return true;
    }

    public void updateStatus(UUID id, RunStatus status) {
        jdbc.sql("update lifecycle_run set status = ?, updated_at = now() where id = ?")
                .params(status.name(), id)
                .update();
        stopped(id, status);
    }

    public void finish(UUID id, RunOutcome outcome, String failureReason) {
        jdbc.sql("""
                        update lifecycle_run set status = ?, outcome = ?, failure_reason = ?, updated_at = now(),
                               finished_at = now()
                        where id = ?""")
                .params(outcome.status().name(), outcome.name(), failureReason, id)
                .update();
        stopped(id, outcome.status());
    }

    /** The reviewer's requested changes are in: the stages from the one sent back to run again as a new revision. */
    public void startRevision(UUID id) {
        jdbc.sql("update lifecycle_run set status = 'RUNNING', revision = revision + 1, updated_at = now() where id = ?")
                .param(id)
                .update();
    }

    public void markResumed(UUID id) {
        jdbc.sql("""
                        update lifecycle_run set status = 'RUNNING', attempt = attempt + 1, process_instance_key = null,
                               updated_at = now()
                        where id = ?""")
                .param(id)
                .update();
    }
}
