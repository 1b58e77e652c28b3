package org.hybridllm.lifecycle.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Logs gateway calls as interactions off the request path: a call is put on a bounded queue (never blocking the
 * caller) and one writer thread inserts them in batches. A full queue drops the log, not the call, and counts it
 * ({@code lifecycle.gateway.log.dropped}); a failed insert is retried with the same batch. At shutdown the writer
 * stops after the web server has stopped taking requests and writes everything still queued.
 */
@Component
class InteractionLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InteractionLog.class);
    private static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(5);

    private final GatewayCallRepository calls;
    private final ProviderRegistry providers;
    private final GatewayMetrics metrics;
    private final GatewayProperties properties;
    private final BlockingQueue<GatewayCall> queue;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Object writtenMonitor = new Object();
    private volatile boolean running;
    private Thread writer;

    InteractionLog(GatewayCallRepository calls, ProviderRegistry providers, GatewayMetrics metrics,
                   GatewayProperties properties) {
        this.calls = calls;
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

    /** Waits until every call queued before this one was written (e.g. before attaching feedback to one). */
    boolean awaitWritten(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (writtenMonitor) {
            while (written.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(writtenMonitor, left);
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
                writer.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!queue.isEmpty()) {
            log.error("{} gateway calls could not be logged before shutdown", queue.size());
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
                writeWithRetry(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeWithRetry(List<GatewayCall> batch) throws InterruptedException {
        long wait = 100;
        while (true) {
            try {
                calls.insert(batch, PromptSavings.savedPromptTokens(batch, providers));
                metrics.logWritten(batch.size());
                synchronized (writtenMonitor) {
                    written.addAndGet(batch.size());
                    writtenMonitor.notifyAll();
                }
                return;
            } catch (RuntimeException e) {
                log.warn("Could not log {} gateway calls (retrying in {} ms): {}", batch.size(), wait, e.getMessage());
                Thread.sleep(wait);
                wait = Math.min(wait * 2, MAX_RETRY_WAIT.toMillis());
            }
        }
    }
}
