package org.hybridllm.lifecycle.statistics;

/** McNemar's exact test: the discordant counts it was computed from and its two-sided p-value. */
public record McNemarResult(int candidateOnlyPassed, int championOnlyPassed, double pValue) {

    public int discordantPairs() {
        return candidateOnlyPassed + championOnlyPassed;
    }
}
