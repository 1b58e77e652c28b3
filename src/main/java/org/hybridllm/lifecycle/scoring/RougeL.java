package org.hybridllm.lifecycle.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ROUGE-L as Google's rouge-score computes it ({@code rouge_scorer._score_lcs}, without stemming): both texts
 * lower-cased, every run of characters other than a-z and 0-9 made a token boundary, then precision = LCS /
 * prediction tokens, recall = LCS / target tokens and F = their harmonic mean. All zero when either side has no
 * tokens. (Like rouge-score, letters outside a-z do not count: "café" is the token "caf".)
 */
final class RougeL {

    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");

    record Score(double precision, double recall, double fmeasure) {
    }

    private RougeL() {
    }

    static Score score(String target, String prediction) {
        List<String> targetTokens = tokenize(target);
        List<String> predictionTokens = tokenize(prediction);
        if (targetTokens.isEmpty() || predictionTokens.isEmpty()) {
            return new Score(0, 0, 0);
        }
        int lcs = longestCommonSubsequence(targetTokens, predictionTokens);
        double precision = (double) lcs / predictionTokens.size();
        double recall = (double) lcs / targetTokens.size();
        double fmeasure = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new Score(precision, recall, fmeasure);
    }

    static List<String> tokenize(String text) {
        String spaced = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> tokens = new ArrayList<>();
        for (String token : spaced.split(" ")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    static int longestCommonSubsequence(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (String token : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = token.equals(b.get(j - 1))
                        ? previous[j - 1] + 1
                        : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }
}
