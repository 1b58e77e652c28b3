package org.hybridllm.lifecycle.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void accuracyAndMacroF1AsComputedByHand() {
        // a: tp=2 fp=1 fn=0 -> p=2/3 r=1 f1=0.8 ; b: tp=1 fp=0 fn=1 -> p=1 r=0.5 f1=2/3 ; c: tp=0, support 0
        ClassificationMetrics m = ClassificationMetrics.of(List.of("a", "b", "c"),
                List.of("a", "a", "b", "b"), List.of("a", "a", "b", "a"));
        assertThat(m.accuracy()).isEqualTo(0.75);
        assertThat(m.perLabel().get(0).f1()).isCloseTo(0.8, within(1e-9));
        assertThat(m.perLabel().get(1).f1()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(m.macroF1()).isCloseTo((0.8 + 2.0 / 3 + 0) / 3, within(1e-9));
        assertThat(m.confusion().get("b")).containsEntry("a", 1).containsEntry("b", 1);
    }
}
