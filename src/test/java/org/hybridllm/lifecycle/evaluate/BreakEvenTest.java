package org.hybridllm.lifecycle.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Duration;
import org.hybridllm.lifecycle.provider.TrainingCost;
import org.junit.jupiter.api.Test;

/** The break-even arithmetic on known values, and the nulls with their reasons. */
class BreakEvenTest {

    static final RequestVolume.Volume THIRTY_THOUSAND = new RequestVolume.Volume(30_000L, RequestVolume.DECLARED,
            null);

    static ServingCost cost(double usd, double p95) {
        return new ServingCost(1, 100, usd, null, p95);
    }

    @Test
    void trainingCostOverTheSavingPerRequestAndTheDaysAtTheMonthlyVolume() {
        // $3.00 of training; the champion costs $0.0004 a request, the candidate $0.0001: $0.0003 saved each
        TrainingCost training = new TrainingCost(new BigDecimal("3.00"), 600.0, "1000000 trained tokens × $3");
        BreakEven breakEven = BreakEven.of(training, cost(0.0004, 140), cost(0.0001, 90), THIRTY_THOUSAND);

        assertThat(breakEven.trainingCostUsd()).isEqualTo(3.0);
        assertThat(breakEven.trainingCostBasis()).isEqualTo("1000000 trained tokens × $3");
        assertThat(breakEven.savingPerRequestUsd()).isCloseTo(0.0003, within(1e-12));
        assertThat(breakEven.breakEvenRequests()).isEqualTo(10_000L);
        // 30,000 a month is 1,000 a day: 10 days
        assertThat(breakEven.paybackDays()).isCloseTo(10.0, within(1e-9));
        assertThat(breakEven.monthlyRequests()).isEqualTo(30_000L);
        assertThat(breakEven.volumeSource()).isEqualTo("declared");
        assertThat(breakEven.championLatencyP95Ms()).isEqualTo(140.0);
        assertThat(breakEven.candidateLatencyP95Ms()).isEqualTo(90.0);
        assertThat(breakEven.unknown()).isEmpty();
    }

    @Test
    void breakEvenRequestsAreRoundedUp() {
        TrainingCost training = new TrainingCost(new BigDecimal("1.00"), null, "basis");
        BreakEven breakEven = BreakEven.of(training, cost(0.0003, 1), cost(0.0, 1),
                new RequestVolume.Volume(9_000L, RequestVolume.MEASURED, null));
        // 1 / 0.0003 = 3333.33…: the 3,334th request pays it back; 300 a day → 11.11 days
        assertThat(breakEven.breakEvenRequests()).isEqualTo(3_334L);
        assertThat(breakEven.paybackDays()).isCloseTo(3_334 / 300.0, within(1e-9));
        assertThat(breakEven.volumeSource()).isEqualTo("gateway-30d");
    }

    @Test
    void aCandidateThatSavesNothingNeverBreaksEvenAndSaysSo() {
        TrainingCost training = new TrainingCost(new BigDecimal("2.00"), 10.0, "basis");
        BreakEven breakEven = BreakEven.of(training, cost(0.0001, 10), cost(0.0002, 10), THIRTY_THOUSAND);
        assertThat(breakEven.savingPerRequestUsd()).isCloseTo(-0.0001, within(1e-12));
        assertThat(breakEven.breakEvenRequests()).isNull();
        assertThat(breakEven.paybackDays()).isNull();
        assertThat(breakEven.unknown().get("breakEvenRequests")).contains("saves nothing per request");
        assertThat(breakEven.unknown()).containsKey("paybackDays");
    }

    @Test
    void unknownInputsAreNullWithTheirReasons() {
        TrainingCost training = TrainingCost.unknown(42.0, "no GPU-hour rate is configured for fine-tuner lora");
        ServingCost unpriced = new ServingCost(7, 100, null, "the provider did not price every call of eval run 7",
                null);
        RequestVolume.Volume noVolume = new RequestVolume.Volume(null, null, "no traffic and no declared volume");
        BreakEven breakEven = BreakEven.of(training, unpriced, cost(0.0001, 5), noVolume);

        assertThat(breakEven.trainingCostUsd()).isNull();
        assertThat(breakEven.championCostPerRequestUsd()).isNull();
        assertThat(breakEven.candidateCostPerRequestUsd()).isEqualTo(0.0001);
        assertThat(breakEven.savingPerRequestUsd()).isNull();
        assertThat(breakEven.monthlyRequests()).isNull();
        assertThat(breakEven.volumeSource()).isNull();
        assertThat(breakEven.breakEvenRequests()).isNull();
        assertThat(breakEven.paybackDays()).isNull();
        assertThat(breakEven.championLatencyP95Ms()).isNull();
        assertThat(breakEven.unknown()).containsEntry("trainingCostUsd",
                        "no GPU-hour rate is configured for fine-tuner lora")
                .containsEntry("championCostPerRequestUsd", "the provider did not price every call of eval run 7")
                .containsEntry("savingPerRequestUsd", "the per-request cost of the champion is unknown")
                .containsEntry("monthlyRequests", "no traffic and no declared volume")
                .containsEntry("championLatencyP95Ms", "eval run 7 recorded no latencies")
                .containsKeys("breakEvenRequests", "paybackDays")
                .doesNotContainKeys("candidateCostPerRequestUsd", "candidateLatencyP95Ms");
    }

    @Test
    void aUseCaseWithNoRequestsNeverPaysBack() {
        TrainingCost training = new TrainingCost(new BigDecimal("1.00"), null, "basis");
        BreakEven breakEven = BreakEven.of(training, cost(0.001, 1), cost(0.0, 1),
                new RequestVolume.Volume(0L, RequestVolume.DECLARED, null));
        assertThat(breakEven.breakEvenRequests()).isEqualTo(1_000L);
        assertThat(breakEven.paybackDays()).isNull();
        assertThat(breakEven.unknown().get("paybackDays")).contains("serves no requests");
    }

    @Test
    void wallTimeAtAnHourlyRateAndTrainedTokensAtAPricePerMillion() {
        // 90 minutes at $2.40 an hour
        TrainingCost gpu = TrainingCost.ofWallTime(Duration.ofMinutes(90), new BigDecimal("2.40"), "GPU-hour");
        assertThat(gpu.usd()).isEqualByComparingTo("3.60");
        assertThat(gpu.seconds()).isEqualTo(5400.0);
        assertThat(gpu.basis()).isEqualTo("5400.0 s wall time × $2.40 per GPU-hour");
        // 12,345 tokens at $3.00 per million
        TrainingCost tokens = TrainingCost.ofTokens(12_345, new BigDecimal("3.00"), 60.0, "gpt-4o-mini");
        assertThat(tokens.usd()).isEqualByComparingTo("0.037035");
    }
}
