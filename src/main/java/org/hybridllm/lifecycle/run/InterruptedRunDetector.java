package org.hybridllm.lifecycle.run;

import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import org.hybridllm.lifecycle.engine.EngineRefusals;
import org.hybridllm.lifecycle.engine.EngineProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;
import org.hybridllm.lifecycle.audit.AuditLog;

/**
 * At start-up, before the workers and the web server start: runs still open in Postgres whose process instance
 * the engine no longer has are marked INTERRUPTED (resumable), never silently lost.
 *
 * <p>The embedded engine starts empty, so every open run is interrupted. A remote engine keeps its state: there
 * an instance is probed by setting a variable on it, which the engine refuses with the status NOT_FOUND once it is gone, and
 * a run that has no process instance yet is left alone for a while: another app instance may be starting it.
 */
@Component
@DependsOn("flywayInitializer")
public class InterruptedRunDetector implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(InterruptedRunDetector.class);
    /** Between a run's row and its process instance (RunService.start); far longer than the engine takes. */
    private static final Duration INSTANCE_CREATION_GRACE = Duration.ofMinutes(2);
    public static final String INSTANCE_LOST = "process instance lost (engine restarted)";

    private final RunRepository runs;
    private final CamundaClient camunda;
    private final EngineProperties engine;
    private final AuditLog audit;

    public InterruptedRunDetector(RunRepository runs, CamundaClient camunda, EngineProperties engine, AuditLog audit) {
        this.runs = runs;
        this.camunda = camunda;
        this.engine = engine;
        this.audit = audit;
    }

    @Override
    public void afterSingletonsInstantiated() {
        boolean embedded = "embedded".equals(engine.engine());
        OffsetDateTime startedRecently = OffsetDateTime.now().minus(INSTANCE_CREATION_GRACE);
        for (LifecycleRun run : runs.findOpen()) {
            if (!embedded && run.processInstanceKey() == null && run.updatedAt().isAfter(startedRecently)) {
                continue; // another instance sharing the engine is creating its process instance right now
            }
            if (embedded || run.processInstanceKey() == null || !engineHas(run.processInstanceKey())) {
                markInterrupted(run, INSTANCE_LOST);
            }
        }
    }

    /** An open run whose process instance the engine no longer has: INTERRUPTED (resumable), with the reason. */
    public void markInterrupted(LifecycleRun run, String reason) {
        runs.updateStatus(run.id(), RunStatus.INTERRUPTED);
        audit.record(AuditLog.SYSTEM, "RUN_INTERRUPTED", "lifecycle_run", run.id(), run.id(),
                Map.of("reason", reason, "previousStatus", run.status().name()));
        log.warn("Run {} was {} but its process instance is gone ({}): marked INTERRUPTED; resume it with "
                + "POST /api/runs/{}/resume", run.id(), run.status(), reason, run.id());
    }

    private boolean engineHas(long processInstanceKey) {
        try {
            camunda.newSetVariablesCommand(processInstanceKey)
                    .variables(Map.of("lifecycleLastSeenAt", OffsetDateTime.now().toString()))
                    .send()
                    .join();
            return true;
        } catch (RuntimeException e) {
            return !EngineRefusals.isNotFound(e);
        }
    }
}
