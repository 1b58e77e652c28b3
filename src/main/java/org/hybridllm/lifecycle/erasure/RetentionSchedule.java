package org.hybridllm.lifecycle.erasure;

import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps one instance of lifecycle-retention running: its message start event is correlated by a fixed key, and
 * Zeebe starts no second instance for a key while one it started is active, so every app instance may (and does,
 * at start and hourly, e.g. after a remote engine lost its state) publish the message.
 */
@Component
class RetentionSchedule {

    static final String MESSAGE = "lifecycle-retention-start";
    static final String CORRELATION_KEY = "retention";
    private static final Logger log = LoggerFactory.getLogger(RetentionSchedule.class);

    private final CamundaClient camunda;
    private final ErasureProperties properties;

    RetentionSchedule(CamundaClient camunda, ErasureProperties properties) {
        this.camunda = camunda;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        ensureRunning();
    }

    @Scheduled(initialDelayString = "PT1H", fixedDelayString = "PT1H")
    void ensureRunning() {
        try {
            camunda.newPublishMessageCommand().messageName(MESSAGE).correlationKey(CORRELATION_KEY)
                    .timeToLive(Duration.ZERO)
                    .variables(Map.of("retentionInterval", properties.retentionInterval().toString()))
                    .send().join();
        } catch (RuntimeException e) {
            log.warn("Could not start the retention process (retried within the hour): {}", e.getMessage());
        }
    }
}
