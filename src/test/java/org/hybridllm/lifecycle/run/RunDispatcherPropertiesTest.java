package org.hybridllm.lifecycle.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunDispatcherPropertiesTest {

    private static RunDispatcherProperties withIntakeRate(int concurrency, int intakeRate) {
        return new RunDispatcherProperties(true, concurrency, 32, Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(10), intakeRate, Duration.ofSeconds(1));
    }

    @Test
    void whileTheIntakeIsBusyTheThreadsTogetherCreateAtMostTheIntakeRate() {
        RunDispatcherProperties properties = withIntakeRate(2, 25);
        // 25/s over 2 threads: 12.5/s each, in batches of a fifth of a second (2), so 160 ms after each batch
        assertThat(properties.intakeBatchSize()).isEqualTo(2);
        assertThat(properties.intakePause(2)).isEqualTo(Duration.ofMillis(160));
        double perSecond = properties.concurrency() * properties.intakeBatchSize()
                / (properties.intakePause(properties.intakeBatchSize()).toMillis() / 1000.0);
        assertThat(perSecond).isEqualTo(25.0);
        // a high rate never batches more than the configured batch size, a low one at least one
        assertThat(withIntakeRate(2, 10_000).intakeBatchSize()).isEqualTo(32);
        assertThat(withIntakeRate(4, 3).intakeBatchSize()).isEqualTo(1);
    }

    @Test
    void aNegativeIntakeRateIsRefused() {
        assertThatThrownBy(() -> withIntakeRate(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("intake-rate");
    }
}
