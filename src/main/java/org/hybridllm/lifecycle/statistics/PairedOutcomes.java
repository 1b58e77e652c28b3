package org.hybridllm.lifecycle.statistics;

import java.util.List;
import java.util.Objects;

/**
 * The 2×2 table of paired pass/fail outcomes of candidate and champion on the same examples. Only the discordant
 * cells ({@code candidateOnlyPassed}, {@code championOnlyPassed}) carry evidence about which model is better.
 */
public record PairedOutcomes(int bothPassed, int candidateOnlyPassed, int championOnlyPassed, int neitherPassed) {

    public PairedOutcomes {
        if (bothPassed < 0 || candidateOnlyPassed < 0 || championOnlyPassed < 0 || neitherPassed < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** Pairs the two lists by position: element i of both is the same example. */
    public static PairedOutcomes of(List<Boolean> candidatePassed, List<Boolean> championPassed) {
        Objects.requireNonNull(candidatePassed, "candidatePassed");
        Objects.requireNonNull(championPassed, "championPassed");
        if (candidatePassed.size() != championPassed.size()) {
            throw new IllegalArgumentException("paired outcomes need one champion outcome per candidate outcome, got "
                    + candidatePassed.size() + " and " + championPassed.size());
        }
        int both = 0, candidateOnly = 0, championOnly = 0, neither = 0;
        for (int i = 0; i < candidatePassed.size(); i++) {
            boolean candidate = Objects.requireNonNull(candidatePassed.get(i), "candidate outcome " + i);
            boolean champion = Objects.requireNonNull(championPassed.get(i), "champion outcome " + i);
            if (candidate && champion) {
                both++;
            } else if (candidate) {
                candidateOnly++;
            } else if (champion) {
                championOnly++;
            } else {
                neither++;
            }
        }
        return new PairedOutcomes(both, candidateOnly, championOnly, neither);
    }

    public int examples() {
        return bothPassed + candidateOnlyPassed + championOnlyPassed + neitherPassed;
    }

    public int discordantPairs() {
        return candidateOnlyPassed + championOnlyPassed;
    }

    /** Share of examples on which the two models disagree: the ψ of the paired power calculation. */
    public double discordantRate() {
        return examples() == 0 ? 0 : (double) discordantPairs() / examples();
    }

    /** Candidate pass rate minus champion pass rate. */
    public double difference() {
        return examples() == 0 ? 0 : (double) (candidateOnlyPassed - championOnlyPassed) / examples();
    }
}
