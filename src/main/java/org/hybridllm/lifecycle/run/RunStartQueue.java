package org.hybridllm.lifecycle.run;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * run_start_request: the outbox of queued runs. A request is added in the transaction that accepts the run and
 * dispatched once: {@link #lockDue} locks it ({@code for update skip locked}, so dispatchers never share a row)
 * and the same transaction marks it dispatched with its process instance key, or schedules its retry.
 */
@Repository
class RunStartQueue {

    /**
     * A request locked for dispatch, with its run's state now: a run cancelled while queued, or already claimed
     * by an instance (a create whose answer was lost before a crash, RegisterRunWorker), needs no new instance.
     */
    record Request(UUID runId, String useCaseKey, String startedBy, int attempts, RunStatus runStatus,
                   Long runProcessInstanceKey) {
    }

    private final JdbcClient jdbc;
    /** Released once per committed request, so an idle dispatcher starts at once instead of at its next poll. */
    private final Semaphore added = new Semaphore(0);
    /** When the intake last added a request (System.nanoTime), for the dispatcher's pacing while it is busy. */
    private final AtomicLong lastAddedAt = new AtomicLong(System.nanoTime() - TimeUnit.HOURS.toNanos(1));

    RunStartQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Joins the caller's transaction; the dispatcher is woken once it commits. */
    void add(UUID runId, String useCaseKey, String startedBy) {
        jdbc.sql("insert into run_start_request (run_id, use_case_key, started_by) values (?, ?, ?)")
                .params(runId, useCaseKey, startedBy).update();
        lastAddedAt.set(System.nanoTime());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    added.release();
                }
            });
        } else {
            added.release();
        }
    }

    /** Whether the intake added a request within the last {@code period}. */
    boolean addedWithin(Duration period) {
        return System.nanoTime() - lastAddedAt.get() < period.toNanos();
    }

    /** Waits until a request is added or {@code timeout} passes. */
    void awaitAdded(Duration timeout) throws InterruptedException {
        if (added.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            added.drainPermits();
        }
    }

    /** Oldest first, up to {@code limit} undispatched requests that are due, locked until the transaction ends. */
    List<Request> lockDue(int limit) {
        return jdbc.sql("""
                        select q.run_id, q.use_case_key, q.started_by, q.attempts, r.status, r.process_instance_key
                        from run_start_request q join lifecycle_run r on r.id = q.run_id
                        where q.dispatched_at is null and q.next_attempt_at <= now()
                        order by q.next_attempt_at, q.created_at
                        limit ?
                        for update of q skip locked""")
                .param(limit)
                .query((rs, i) -> new Request(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getInt(4), RunStatus.valueOf(rs.getString(5)), (Long) rs.getObject(6)))
                .list();
    }

    /** @param processInstanceKey null when the run needed no instance (cancelled while queued) */
    void markDispatched(UUID runId, Long processInstanceKey, String note) {
        jdbc.sql("""
                        update run_start_request set dispatched_at = now(), process_instance_key = ?,
                               attempts = attempts + 1, last_error = ?
                        where run_id = ?""")
                .params(processInstanceKey, note, runId).update();
    }

    void retryLater(UUID runId, Duration delay, String error) {
        jdbc.sql("""
                        update run_start_request set attempts = attempts + 1, last_error = ?,
                               next_attempt_at = now() + make_interval(secs => ?)
                        where run_id = ?""")
                .params(error, delay.toMillis() / 1000.0, runId).update();
    }

    /** Requests not dispatched yet (the backlog). */
    long pending() {
        return jdbc.sql("select count(*) from run_start_request where dispatched_at is null")
                .query(Long.class).single();
    }
}
