package org.hybridllm.lifecycle.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetentionPeriodTest {

    static final OffsetDateTime NOW = OffsetDateTime.of(2026, 3, 31, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void durationsAndCalendarPeriodsGiveTheirCutoff() {
        assertThat(RetentionPeriod.parse("P30D").cutoff(NOW)).isEqualTo(NOW.minusDays(30));
        assertThat(RetentionPeriod.parse("pt12h").cutoff(NOW)).isEqualTo(NOW.minusHours(12));
        // a calendar month back from 31 March is the last day of February
        assertThat(RetentionPeriod.parse("P1M").cutoff(NOW)).isEqualTo(NOW.withMonth(2).withDayOfMonth(28));
        assertThat(RetentionPeriod.parse(" P1Y ").text()).isEqualTo("P1Y");
    }

    @Test
    void anythingElseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> RetentionPeriod.parse("a year")).hasMessageContaining("not an ISO-8601 duration");
        assertThatThrownBy(() -> RetentionPeriod.parse("P0D")).hasMessageContaining("not a positive");
        assertThatThrownBy(() -> RetentionPeriod.parse("-P3D")).hasMessageContaining("not a positive");
        assertThatThrownBy(() -> RetentionPeriod.parse("P-1Y")).hasMessageContaining("not a positive");
    }
}
