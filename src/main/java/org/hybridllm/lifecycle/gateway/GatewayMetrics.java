package org.hybridllm.lifecycle.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The gateway's Micrometer meters (Prometheus at /actuator/prometheus): requests, latency, tokens and cost per use
 * case, model version and arm; errors per use case and code; the interaction log's queue, writes, quarantined
 * calls and drops.
 */
@Component
class GatewayMetrics {

    private record Series(String useCase, String model, String arm) {
    }

    private record SeriesMeters(Counter requests, Timer latency, Counter promptTokens, Counter completionTokens,
                                Counter cost) {
    }

    private final MeterRegistry registry;
    private final Map<Series, SeriesMeters> meters = new ConcurrentHashMap<>();
    private final Counter dropped;
    private final Counter written;
    private final Counter quarantined;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.dropped = Counter.builder("lifecycle.gateway.log.dropped")
                .description("Gateway calls served but not logged: the interaction log's queue was full, the app"
                        + " stopped before they were written, or not even the quarantine could store them")
                .register(registry);
        this.written = Counter.builder("lifecycle.gateway.log.written")
                .description("Gateway calls logged as interactions").register(registry);
        this.quarantined = Counter.builder("lifecycle.gateway.log.quarantined")
                .description("Gateway calls served but stored in interaction_quarantine, not as interactions: text"
                        + " PostgreSQL cannot hold, or a row the database refused")
                .register(registry);
    }

    void served(String useCase, String model, String arm, Duration latency, int promptTokens, int completionTokens,
                BigDecimal cost) {
        SeriesMeters series = meters.computeIfAbsent(new Series(useCase, model, arm), this::register);
        series.requests().increment();
        series.latency().record(latency);
        series.promptTokens().increment(promptTokens);
        series.completionTokens().increment(completionTokens);
        if (cost != null) {
            series.cost().increment(cost.doubleValue());
        }
    }

    /** An extraction answer that did not satisfy the use case's output schema (served as it was, and logged). */
    void schemaFailure(String useCase) {
        registry.counter("lifecycle.gateway.schema.failures", "use_case", useCase).increment();
    }

    void failed(String useCase, String code) {
        registry.counter("lifecycle.gateway.errors", "use_case", useCase == null ? "unknown" : useCase,
                "code", code == null ? "error" : code).increment();
    }

    void logDropped() {
        dropped.increment();
    }

    void logDropped(long calls) {
        dropped.increment(calls);
    }

    void logQuarantined() {
        quarantined.increment();
    }

    void logWritten(int calls) {
        written.increment(calls);
    }

    void queueSize(Supplier<Number> size) {
        Gauge.builder("lifecycle.gateway.log.queued", size).description("Gateway calls waiting to be logged")
                .register(registry);
    }

    private SeriesMeters register(Series series) {
        String[] tags = {"use_case", series.useCase(), "model", series.model(), "arm", series.arm()};
        return new SeriesMeters(
                Counter.builder("lifecycle.gateway.requests").tags(tags).register(registry),
                Timer.builder("lifecycle.gateway.latency").tags(tags).publishPercentileHistogram()
                        .register(registry),
                Counter.builder("lifecycle.gateway.tokens").tags(tags).tag("kind", "prompt").register(registry),
                Counter.builder("lifecycle.gateway.tokens").tags(tags).tag("kind", "completion").register(registry),
                Counter.builder("lifecycle.gateway.cost").baseUnit("usd").tags(tags).register(registry));
    }
}
