package org.hybridllm.lifecycle.scoring;

import java.math.BigDecimal;

/**
 * The call cost at most {@code maxUsd} dollars. Value: the cost. An example without a recorded cost fails: an
 * unknown cost is not within a limit (a free local model records zero).
 */
final class CostScorer extends BaseScorer {

    static final String TYPE = "cost";

    private final BigDecimal maxUsd;

    CostScorer(String name, BigDecimal maxUsd) {
        super(name, TYPE);
        this.maxUsd = maxUsd;
    }

    static CostScorer from(ScorerParams params) {
        params.allowOnly("maxUsd");
        Object raw = params.raw("maxUsd").orElse(null);
        params.requiredNumber("maxUsd", 0, Double.MAX_VALUE);
        // the decimal as written, not its binary double: 0.1 stays 0.1
        return new CostScorer(params.name(), new BigDecimal(raw.toString()));
    }

    @Override
    public Verdict score(ScoredExample example) {
        BigDecimal cost = example.costUsd();
        if (cost == null) {
            return unmeasured("no cost recorded for this call, so it cannot be held to the limit of $"
                    + maxUsd.toPlainString());
        }
        boolean within = cost.compareTo(maxUsd) <= 0;
        return verdict(cost.doubleValue(), within, "$" + cost.stripTrailingZeros().toPlainString() + ", "
                + (within ? "within" : "over") + " the limit of $" + maxUsd.toPlainString());
    }
}
