package org.hybridllm.lifecycle.tracking;

import io.camunda.client.CamundaClient;
import java.time.OffsetDateTime;
import java.util.Map;
import org.hybridllm.lifecycle.engine.EngineProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * At start-up, before the workers and the web server start: runs still open in Postgres whose process instance
 * the engine no longer has are marked INTERRUPTED (resumable), never silently lost.
 *
 * <p>The embedded engine starts empty, so every open run is interrupted. A remote engine keeps its state: there
 * an instance is probed by setting a variable on it, which the engine refuses with NOT_FOUND once it is gone.
 */
@Component
@DependsOn("flywayInitializer")
public class InterruptedRunDetector implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(InterruptedRunDetector.class);

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
        for (LifecycleRun run : runs.findOpen()) {
            if (embedded || run.processInstanceKey() == null || !engineHas(run.processInstanceKey())) {
                runs.updateStatus(run.id(), RunStatus.INTERRUPTED);
                audit.record(AuditLog.SYSTEM, "RUN_INTERRUPTED", "lifecycle_run", run.id(), run.id(),
                        Map.of("reason", "process instance lost (engine restarted)", "previousStatus",
                                run.status().name()));
                log.warn("Run {} was {} but its process instance is gone: marked INTERRUPTED; resume it with "
                        + "POST /api/runs/{}/resume", run.id(), run.status(), run.id());
            }
        }
    }

    private boolean engineHas(long processInstanceKey) {
        try {
            camunda.newSetVariablesCommand(processInstanceKey)
                    .variables(Map.of("lifecycleLastSeenAt", OffsetDateTime.now().toString()))
                    .send()
                    .join();
            return true;
        } catch (RuntimeException e) {
            return !String.valueOf(e.getMessage()).contains("NOT_FOUND");
        }
    }
}
