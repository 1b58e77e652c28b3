package org.hybridllm.lifecycle.run;

import io.camunda.client.api.CamundaFuture;
import io.camunda.client.api.response.ProcessInstanceEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hybridllm.lifecycle.engine.EngineRefusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the process instances of queued runs (run_start_request) as fast as the engine accepts them, in the
 * background, from the moment the app is ready on, so that requests queued before a restart are picked up. Each thread locks a
 * batch ({@code for update skip locked}), sends its create commands together, and in the same transaction marks
 * each request dispatched with its instance key (the run RUNNING) or schedules its retry.
 *
 * <p>Exactly one run per request, and one instance that runs it. The run row exists before any instance, so a
 * request makes one run whatever happens. An instance whose request was not marked (a crash between the create
 * and the commit, or a create that timed out on our side but was executed) is not prevented but detected: the
 * first instance to claim the run (here, or its first job in RegisterRunWorker) is the run's, and any other is
 * cancelled ({@link RunService#cancelDuplicate}); a request whose run an instance has already claimed is marked
 * with that instance instead of creating another.
 *
 * <p>While deliveries keep arriving the dispatcher paces itself ({@link RunDispatcherProperties#intakeRate}): the
 * embedded engine runs in this JVM, and an engine creating instances flat out takes the CPUs the intake answers
 * with; the queue absorbs the burst and drains at full speed after it. The engine offers no idempotent create command to do better,
 * and the embedded engine loses its instances on a restart anyway, so there re-creating is exactly right.
 */
@Component
class RunStartDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunStartDispatcher.class);

    private record Batch(int locked, boolean engineBusy) {
    }

    private record Duplicate(UUID runId, long processInstanceKey) {
    }

    private final RunStartQueue queue;
    private final RunRepository runs;
    private final RunService runService;
    private final TransactionTemplate transaction;
    private final RunDispatcherProperties properties;
    private volatile boolean running;
    private ExecutorService threads;

    RunStartDispatcher(RunStartQueue queue, RunRepository runs, RunService runService,
                       TransactionTemplate transaction, RunDispatcherProperties properties) {
        this.queue = queue;
        this.runs = runs;
        this.runService = runService;
        this.transaction = transaction;
        this.properties = properties;
    }

    /** Once the app is ready: the process is deployed by then (a create before that is refused NOT_FOUND). */
    @EventListener(ApplicationReadyEvent.class)
    void startWhenReady() {
        start();
    }

    @Override
    public boolean isAutoStartup() {
        return false;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (!properties.enabled()) {
            log.info("The run dispatcher is off (lifecycle.run-dispatcher.enabled=false): queued runs stay QUEUED");
            return;
        }
        running = true;
        AtomicInteger number = new AtomicInteger();
        threads = Executors.newFixedThreadPool(properties.concurrency(),
                task -> new Thread(task, "run-dispatcher-" + number.incrementAndGet()));
        for (int i = 0; i < properties.concurrency(); i++) {
            threads.submit(this::dispatchUntilStopped);
        }
    }

    @Override
    public void stop() {
        running = false;
        if (threads != null) {
            threads.shutdownNow();
            try {
                threads.awaitTermination(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void dispatchUntilStopped() {
        int refusalsInARow = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                boolean intakeBusy = properties.intakeRate() > 0
                        && queue.addedWithin(properties.intakeQuietPeriod());
                Batch batch = dispatchBatch(intakeBusy ? properties.intakeBatchSize() : properties.batchSize());
                if (batch.engineBusy()) {
                    Thread.sleep(properties.backoff(refusalsInARow++).toMillis()); // backpressure
                } else {
                    refusalsInARow = 0;
                    if (batch.locked() == 0) {
                        queue.awaitAdded(properties.idlePoll());
                    } else if (intakeBusy) {
                        Thread.sleep(properties.intakePause(batch.locked()).toMillis()); // the intake first
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return; // the database or the engine went away while stopping
                }
                log.warn("Dispatching queued runs failed; retrying", e);
                try {
                    Thread.sleep(properties.backoff(refusalsInARow++).toMillis());
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        }
    }

    /** One batch of due requests, sent together; how many were locked, and whether the engine refused any. */
    Batch dispatchBatch(int batchSize) {
        List<Duplicate> duplicates = new ArrayList<>();
        Batch batch = transaction.execute(status -> {
            List<RunStartQueue.Request> due = queue.lockDue(batchSize);
            Map<RunStartQueue.Request, CamundaFuture<ProcessInstanceEvent>> sent = new LinkedHashMap<>();
            for (RunStartQueue.Request request : due) {
                if (request.runStatus() == RunStatus.QUEUED) {
                    sent.put(request, runService.sendCreateInstance(request.runId(), request.useCaseKey(),
                            request.startedBy()));
                } else {
                    // cancelled while queued, or claimed by an instance whose create was not marked: none needed
                    queue.markDispatched(request.runId(), request.runProcessInstanceKey(),
                            "no instance created: the run was " + request.runStatus());
                }
            }
            boolean busy = false;
            for (Map.Entry<RunStartQueue.Request, CamundaFuture<ProcessInstanceEvent>> created : sent.entrySet()) {
                RunStartQueue.Request request = created.getKey();
                try {
                    long instanceKey = created.getValue().join().getProcessInstanceKey();
                    queue.markDispatched(request.runId(), instanceKey, null);
                    if (!runs.claimProcessInstance(request.runId(), instanceKey)) {
                        duplicates.add(new Duplicate(request.runId(), instanceKey));
                    }
                } catch (RuntimeException refused) {
                    busy |= EngineRefusals.isBusy(refused);
                    queue.retryLater(request.runId(), properties.backoff(request.attempts()),
                            String.valueOf(refused.getMessage()));
                    if (request.attempts() % 10 == 0) {
                        log.warn("The engine did not create the instance of queued run {} (attempt {}); retrying",
                                request.runId(), request.attempts() + 1, refused);
                    }
                }
            }
            return new Batch(due.size(), busy);
        });
        // outside the transaction: the engine is asked only after the run's own instance is recorded
        duplicates.forEach(duplicate -> runService.cancelDuplicate(duplicate.runId(), duplicate.processInstanceKey()));
        return batch;
    }
}
