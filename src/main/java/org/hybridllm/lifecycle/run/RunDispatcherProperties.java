package org.hybridllm.lifecycle.run;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dispatcher of queued runs ({@link RunStartDispatcher}). At most {@code concurrency × batchSize} create
 * commands are in flight; a refusal for want of capacity (or no answer in time) pauses the refused thread from
 * {@code minBackoff}, doubling up to {@code maxBackoff}, and each refused request is retried after the same kind
 * of delay.
 *
 * @param enabled    off: queued runs stay QUEUED (another app instance may dispatch them)
 * @param idlePoll   how often an idle dispatcher looks for due requests (it is also woken by every new one)
 * @param intakeRate while requests keep arriving (one within {@code intakeQuietPeriod}), the dispatcher creates
 *                   at most this many instances a second, all threads together, in small batches, so that the
 *                   embedded engine, which shares the CPUs, leaves the intake its latency; 0: no limit. After
 *                   the burst it drains at full speed.
 */
@ConfigurationProperties("lifecycle.run-dispatcher")
public record RunDispatcherProperties(@DefaultValue("true") boolean enabled,
                                      @DefaultValue("2") int concurrency,
                                      @DefaultValue("32") int batchSize,
                                      @DefaultValue("PT1S") Duration idlePoll,
                                      @DefaultValue("PT0.1S") Duration minBackoff,
                                      @DefaultValue("PT10S") Duration maxBackoff,
                                      @DefaultValue("25") int intakeRate,
                                      @DefaultValue("PT1S") Duration intakeQuietPeriod) {

    public RunDispatcherProperties {
        if (concurrency < 1 || batchSize < 1) {
            throw new IllegalArgumentException("lifecycle.run-dispatcher.concurrency and batch-size must be >= 1");
        }
        if (intakeRate < 0) {
            throw new IllegalArgumentException("lifecycle.run-dispatcher.intake-rate must be >= 0");
        }
    }

    /** A thread's batch while the intake is busy: a fifth of a second of its share of {@code intakeRate}. */
    int intakeBatchSize() {
        return Math.max(1, Math.min(batchSize, intakeRate / concurrency / 5));
    }

    /** The pause after a thread created {@code created} instances while the intake is busy. */
    Duration intakePause(int created) {
        return Duration.ofMillis(Math.round(1000.0 * created * concurrency / intakeRate));
    }

    /** The pause after {@code failures} refusals in a row: doubling from minBackoff, at most maxBackoff. */
    Duration backoff(int failures) {
        long millis = minBackoff.toMillis() << Math.min(Math.max(failures, 0), 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
