package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class NumberTextTest {

    @Test
    void parsesAmountsAsTicketsWriteThem() {
        assertThat(NumberText.parse("$1,200")).contains(new BigDecimal("1200"));
        assertThat(NumberText.parse("35.50 GBP")).contains(new BigDecimal("35.50"));
        assertThat(NumberText.parse("€1.200,50")).contains(new BigDecimal("1200.50"));
        assertThat(NumberText.parse("1,349.50 USD")).contains(new BigDecimal("1349.50"));
        assertThat(NumberText.parse("12,5 euros")).contains(new BigDecimal("12.5"));
        assertThat(NumberText.parse("2.000.000")).contains(new BigDecimal("2000000"));
        assertThat(NumberText.parse("no amount")).isEmpty();
    }

    @Test
    void digitsOfAnIdentifierAreNotANumber() {
        assertThat(NumberText.find("Order ORD-48213, Earbuds X2, paid 19.99.")).extracting(NumberText.Found::value)
                .containsExactly(new BigDecimal("19.99"));
        NumberText.Found found = NumberText.find("charged $1,200.").getFirst();
        assertThat("charged $1,200.".substring(found.start(), found.end())).isEqualTo("1,200");
    }
}
