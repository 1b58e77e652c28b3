package org.hybridllm.lifecycle.monitor;

import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.engine.EngineProperties;
import org.hybridllm.lifecycle.engine.EngineRefusals;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelAliasChanged;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps one {@code lifecycle-monitor} instance per use case that has a champion and monitoring on: started when a
 * champion is set (the alias change, after its commit) and at start-up — the embedded engine keeps its state in
 * memory, so after a restart every monitor is created again; on a remote engine only those whose instance is gone.
 * use_case_monitor names the instance watching a use case; any other instance ends at its next check.
 */
@Component
class Monitors {

    static final String PROCESS_ID = "lifecycle-monitor";
    private static final Logger log = LoggerFactory.getLogger(Monitors.class);

    private final DriftCheckRepository checks;
    private final UseCaseRepository useCases;
    private final ModelRegistry models;
    private final CamundaClient camunda;
    private final EngineProperties engine;
    private final MonitorProperties properties;
    private final AuditLog audit;
    private final TransactionTemplate newTransaction;

    Monitors(DriftCheckRepository checks, UseCaseRepository useCases, ModelRegistry models, CamundaClient camunda,
             EngineProperties engine, MonitorProperties properties, AuditLog audit,
             PlatformTransactionManager transactions) {
        this.checks = checks;
        this.useCases = useCases;
        this.models = models;
        this.camunda = camunda;
        this.engine = engine;
        this.properties = properties;
        this.audit = audit;
        this.newTransaction = new TransactionTemplate(transactions);
        // also called after another transaction's commit: it must not join that (finished) one
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The interval a use case is checked at: its own, else {@code lifecycle.monitor.interval}. */
    Duration interval(DriftCheckRepository.Monitor monitor) {
        return monitor == null || monitor.checkInterval() == null ? properties.interval()
                : Duration.parse(monitor.checkInterval());
    }

    @TransactionalEventListener(fallbackExecution = true)
    void aliasChanged(ModelAliasChanged changed) {
        if (ModelAlias.CHAMPION.equals(changed.alias())) {
            ensureQuietly(changed.useCaseId());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartUp() {
        if (!properties.enabled()) {
            return;
        }
        boolean embedded = "embedded".equals(engine.engine());
        for (DriftCheckRepository.Monitor monitor : checks.monitors()) {
            if (monitor.processInstanceKey() != null && (embedded || !engineHas(monitor.processInstanceKey()))) {
                checks.detachInstance(monitor.useCaseId(), monitor.processInstanceKey()); // lost with the engine
            }
        }
        for (UseCase useCase : useCases.findAll()) {
            if (models.alias(useCase.id(), ModelAlias.CHAMPION).isPresent()) {
                ensureQuietly(useCase.id());
            }
        }
    }

    private void ensureQuietly(long useCaseId) {
        try {
            ensure(useCaseId);
        } catch (RuntimeException e) {
            log.warn("Could not start the monitor of use case {}; it is started at the next champion change or "
                    + "start-up, or by PUT /api/use-cases/{{key}}/monitoring", useCaseId, e);
        }
    }

    /**
     * Starts the use case's monitor instance unless one is recorded, monitoring is off, or it has no champion.
     *
     * @return the instance watching it now, or null
     */
    Long ensure(long useCaseId) {
        if (!properties.enabled()) {
            return null;
        }
        return newTransaction.execute(status -> {
            DriftCheckRepository.Monitor monitor = checks.monitorForUpdate(useCaseId).orElseThrow();
            if (!monitor.enabled() || models.alias(useCaseId, ModelAlias.CHAMPION).isEmpty()) {
                return null;
            }
            if (monitor.processInstanceKey() != null) {
                return monitor.processInstanceKey();
            }
            UseCase useCase = useCases.get(useCaseId);
            long key = camunda.newCreateInstanceCommand().bpmnProcessId(PROCESS_ID).latestVersion()
                    .variables(Map.of("useCaseKey", useCase.key(), "monitorInterval", interval(monitor).toString()))
                    .send().join().getProcessInstanceKey();
            checks.attachInstance(useCaseId, key);
            audit.record(AuditLog.SYSTEM, "MONITOR_STARTED", "use_case", useCase.key(), null,
                    Map.of("processInstanceKey", key, "interval", interval(monitor).toString()));
            log.info("Monitoring use case {} (process instance {}, every {})", useCase.key(), key, interval(monitor));
            return key;
        });
    }

    private boolean engineHas(long processInstanceKey) {
        try {
            camunda.newSetVariablesCommand(processInstanceKey)
                    .variables(Map.of("lifecycleLastSeenAt", OffsetDateTime.now().toString())).send().join();
            return true;
        } catch (RuntimeException e) {
            return !EngineRefusals.isNotFound(e);
        }
    }
}
