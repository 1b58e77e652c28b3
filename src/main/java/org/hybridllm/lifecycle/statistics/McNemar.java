package org.hybridllm.lifecycle.statistics;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * McNemar's exact (conditional) test for paired pass/fail outcomes. Under the null hypothesis each discordant pair
 * is equally likely to favour either model, so the smaller discordant count is Binomial(b + c, ½); the two-sided
 * p-value is twice its lower tail, capped at 1 — as R's {@code exact2x2::mcnemar.exact} and statsmodels'
 * {@code mcnemar(exact=True)} compute it.
 */
public final class McNemar {

    private McNemar() {
    }

    public static McNemarResult exact(int candidateOnlyPassed, int championOnlyPassed) {
        if (candidateOnlyPassed < 0 || championOnlyPassed < 0) {
            throw new IllegalArgumentException("discordant counts must not be negative");
        }
        int discordant = candidateOnlyPassed + championOnlyPassed;
        if (discordant == 0) {
            // no pair tells the models apart: no evidence either way
            return new McNemarResult(candidateOnlyPassed, championOnlyPassed, 1.0);
        }
        int smaller = Math.min(candidateOnlyPassed, championOnlyPassed);
        double lowerTail = new BinomialDistribution(null, discordant, 0.5).cumulativeProbability(smaller);
        return new McNemarResult(candidateOnlyPassed, championOnlyPassed, Math.min(1.0, 2 * lowerTail));
    }

    public static McNemarResult exact(PairedOutcomes outcomes) {
        return exact(outcomes.candidateOnlyPassed(), outcomes.championOnlyPassed());
    }
}
