package org.hybridllm.lifecycle.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hybridllm.lifecycle.api.StorableText;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Logs gateway calls as interactions off the request path: a call is put on a bounded queue (never blocking the
 * caller) and one writer thread inserts them in batches. A full queue drops the log, not the call, and counts it
 * ({@code lifecycle.gateway.log.dropped}).
 * <p>
 * No call can hold up the ones behind it. A call whose text PostgreSQL cannot store (U+0000, an unpaired
 * surrogate) goes to the quarantine ({@link InteractionQuarantine}) without being tried. A batch that fails
 * transiently (connection lost, the server out of resources, a lock conflict: {@link DatabaseFailures}) is retried
 * as it is, with backoff; one the database refuses otherwise is written again one call at a time, and each call
 * it still refuses is quarantined with the SQLSTATE and reason ({@code lifecycle.gateway.log.quarantined}).
 * <p>
 * At shutdown the writer stops after the web server has stopped taking requests and writes everything still
 * queued; what it could not write within 30 s is counted as dropped.
 */
@Component
class InteractionLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InteractionLog.class);
    private static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final GatewayCallRepository calls;
    private final InteractionQuarantine quarantine;
    private final ProviderRegistry providers;
    private final GatewayMetrics metrics;
    private final GatewayProperties properties;
    private final BlockingQueue<GatewayCall> queue;
    private final AtomicLong enqueued = new AtomicLong();
    /** Calls the writer is done with: written, quarantined, or dropped by it. */
    private final AtomicLong processed = new AtomicLong();
    private final Object processedMonitor = new Object();
    private volatile boolean running;
    private Thread writer;

    InteractionLog(GatewayCallRepository calls, InteractionQuarantine quarantine, ProviderRegistry providers,
                   GatewayMetrics metrics, GatewayProperties properties) {
        this.calls = calls;
        this.quarantine = quarantine;
        this.providers = providers;
        this.metrics = metrics;
        this.properties = properties;
        this.queue = new ArrayBlockingQueue<>(properties.logQueueCapacity());
        metrics.queueSize(queue::size);
    }

    /** Queues a call for logging; false (and counted) when the queue is full. Never blocks. */
    boolean offer(GatewayCall call) {
        synchronized (enqueued) { // the count and the queue's order must agree for awaitWritten
            if (!queue.offer(call)) {
                metrics.logDropped();
                return false;
            }
            enqueued.incrementAndGet();
            return true;
        }
    }

    /**
     * Waits until every call queued before this one was dealt with (e.g. before attaching feedback to one):
     * written as an interaction, or quarantined.
     */
    boolean awaitWritten(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (processedMonitor) {
            while (processed.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(processedMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public synchronized void start() {
        running = true;
        writer = Thread.ofPlatform().daemon().name("gateway-interaction-log").start(this::writeLoop);
    }

    /** After the web server's graceful shutdown (a lower phase stops later): nothing is queued any more. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (writer != null) {
            try {
                writer.join(STOP_TIMEOUT);
                if (writer.isAlive()) { // still retrying (e.g. the database is down): give up, and say so
                    writer.interrupt();
                    writer.join(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long lost = enqueued.get() - processed.get();
        if (lost > 0) {
            metrics.logDropped(lost);
            log.error("{} gateway calls could not be logged before shutdown", lost);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void writeLoop() {
        List<GatewayCall> batch = new ArrayList<>(properties.logBatchSize());
        while (running || !queue.isEmpty()) {
            try {
                GatewayCall first = queue.poll(properties.logFlushInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, properties.logBatchSize() - 1);
                write(batch);
                done(batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) { // a bug here must not end the writer: the queue would fill for good
                log.error("Gateway calls could not be logged; {} dropped", batch.size(), e);
                metrics.logDropped(batch.size());
                done(batch.size());
                batch.clear();
            }
        }
    }

    private void done(int calls) {
        synchronized (processedMonitor) {
            processed.addAndGet(calls);
            processedMonitor.notifyAll();
        }
    }

    private void write(List<GatewayCall> batch) throws InterruptedException {
        List<Integer> saved = PromptSavings.savedPromptTokens(batch, providers);
        List<GatewayCall> storable = new ArrayList<>(batch.size());
        List<Integer> storableSaved = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            GatewayCall call = batch.get(i);
            String unstorable = unstorableText(call);
            if (unstorable != null) {
                quarantine(call, saved.get(i), null, unstorable);
            } else {
                storable.add(call);
                storableSaved.add(saved.get(i));
            }
        }
        if (!storable.isEmpty()) {
            insertBatch(storable, storableSaved);
        }
    }

    /** Which text of the call PostgreSQL cannot store, or null when all of it can. */
    static String unstorableText(GatewayCall call) {
        String[][] fields = {{"input", call.input()}, {"output", call.output()}, {"subject_id", call.user()},
                {"arm", call.arm()}};
        for (String[] field : fields) {
            int bad = StorableText.firstUnstorable(field[1]);
            if (bad >= 0) {
                return "text PostgreSQL cannot store: " + field[0] + " holds " + StorableText.describe(field[1], bad);
            }
        }
        return null;
    }

    private void insertBatch(List<GatewayCall> batch, List<Integer> saved) throws InterruptedException {
        Backoff backoff = new Backoff();
        while (true) {
            try {
                calls.insert(batch, saved);
                metrics.logWritten(batch.size());
                return;
            } catch (RuntimeException e) {
                if (!DatabaseFailures.isTransient(e)) {
                    log.warn("The database refused a batch of {} gateway calls ({}: {}); writing them one by one",
                            batch.size(), DatabaseFailures.sqlState(e), DatabaseFailures.reason(e));
                    for (int i = 0; i < batch.size(); i++) {
                        insertOne(batch.get(i), saved.get(i));
                    }
                    return;
                }
                log.warn("Could not log {} gateway calls (retrying in {} ms): {}", batch.size(), backoff.wait,
                        e.getMessage());
                backoff.sleep();
            }
        }
    }

    private void insertOne(GatewayCall call, Integer saved) throws InterruptedException {
        Backoff backoff = new Backoff();
        while (true) {
            try {
                calls.insert(List.of(call), Collections.singletonList(saved));
                metrics.logWritten(1);
                return;
            } catch (RuntimeException e) {
                if (!DatabaseFailures.isTransient(e)) {
                    quarantine(call, saved, DatabaseFailures.sqlState(e), DatabaseFailures.reason(e));
                    return;
                }
                log.warn("Could not log gateway call {} (retrying in {} ms): {}", call.callId(), backoff.wait,
                        e.getMessage());
                backoff.sleep();
            }
        }
    }

    private void quarantine(GatewayCall call, Integer saved, String sqlState, String reason)
            throws InterruptedException {
        Backoff backoff = new Backoff();
        while (true) {
            try {
                quarantine.insert(call, saved, sqlState, reason);
                metrics.logQuarantined();
                log.warn("Gateway call {} was quarantined, not logged as an interaction: {}{}", call.callId(),
                        reason, sqlState == null ? "" : " (SQLSTATE " + sqlState + ")");
                return;
            } catch (RuntimeException e) {
                if (!DatabaseFailures.isTransient(e)) {
                    metrics.logDropped();
                    log.error("Gateway call {} could not be logged ({}) nor quarantined; dropped", call.callId(),
                            reason, e);
                    return;
                }
                log.warn("Could not quarantine gateway call {} (retrying in {} ms): {}", call.callId(), backoff.wait,
                        e.getMessage());
                backoff.sleep();
            }
        }
    }

    /** 100 ms, doubling up to {@link #MAX_RETRY_WAIT}. */
    private static final class Backoff {
        long wait = 100;

        void sleep() throws InterruptedException {
            Thread.sleep(wait);
            wait = Math.min(wait * 2, MAX_RETRY_WAIT.toMillis());
        }
    }
}
