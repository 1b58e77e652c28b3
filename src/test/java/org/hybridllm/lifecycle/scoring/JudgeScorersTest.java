package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class JudgeScorersTest {

    static final String CHAMPION = "Sorry for the trouble. Your refund is on its way.";
    static final String CANDIDATE = "I have refunded order ORD-7; the money is back in 3 days.";
    static final ScoredExample EXAMPLE = new ScoredExample("Where is my refund for ORD-7?", null, CANDIDATE, 10,
            BigDecimal.ZERO, CHAMPION);

    /** A judge that answers with a function of the question and remembers what it was asked. */
    static final class FakeJudge implements Judge {
        final List<String> asked = new ArrayList<>();
        final BiFunction<String, String, String> answer;

        FakeJudge(BiFunction<String, String, String> answer) {
            this.answer = answer;
        }

        @Override
        public JudgeReply ask(String system, String user) {
            asked.add(user);
            return new JudgeReply(answer.apply(system, user), 100, 20, 5, new BigDecimal("0.0001"), "fake", "judge-1");
        }
    }

    static Scorer create(String type, Judge judge, List<RubricCriterion> rubric) {
        return new Scorers(text -> new float[0]).create(List.of(ScorerSpec.of(type)),
                new ScoringContext(null, Map.of(), rubric, judge)).get(0);
    }

    /** Which letter the candidate has in a pairwise question. */
    static String candidateLetter(String user) {
        return user.indexOf(CANDIDATE) < user.indexOf(CHAMPION) ? "A" : "B";
    }

    static String championLetter(String user) {
        return candidateLetter(user).equals("A") ? "B" : "A";
    }

    @Test
    void rubricAsksOncePerCriterionAndCountsTheShareMet() {
        List<RubricCriterion> rubric = List.of(
                new RubricCriterion("names the order", "The reply names the order number."),
                new RubricCriterion("apologises", "The reply apologises for the trouble."),
                new RubricCriterion("gives a time", "The reply says when the money arrives."));
        FakeJudge judge = new FakeJudge((system, user) -> user.contains("apologises")
                ? "```json\n{\"pass\": false, \"reason\": \"No apology.\"}\n```"
                : "Sure. {\"pass\": true, \"reason\": \"It does.\"}");
        Verdict verdict = create("llm-rubric", judge, rubric).score(EXAMPLE);

        assertThat(judge.asked).hasSize(3);
        assertThat(judge.asked.get(0)).contains(CANDIDATE, "The reply names the order number.",
                "Where is my refund for ORD-7?");
        assertThat(verdict.value()).isEqualTo(2.0 / 3);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explanation()).isEqualTo("2 of 3 criteria met; not met: apologises (\"No apology.\")");
        assertThat(verdict.judgeCalls()).hasSize(3);
        assertThat(verdict.judgeCalls().get(0).reply().model()).isEqualTo("judge-1");
        assertThat(verdict.judgeCalls().get(0).system()).isEqualTo(LlmRubricScorer.SYSTEM);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> criteria = (List<Map<String, Object>>) verdict.details().get("criteria");
        assertThat(criteria).extracting(c -> c.get("pass")).containsExactly(true, false, true);
        assertThat(criteria.get(1).get("reason")).isEqualTo("No apology.");
    }

    @Test
    void aMalformedRubricAnswerFailsItsCriterionAndSaysSo() {
        List<RubricCriterion> rubric = List.of(new RubricCriterion("polite", "The reply is polite."),
                new RubricCriterion("short", "The reply is under 50 words."));
        FakeJudge judge = new FakeJudge((system, user) -> user.contains("polite")
                ? "I think it is quite polite overall."
                : "{\"pass\": \"maybe\", \"reason\": \"unsure\"}");
        Verdict verdict = create("llm-rubric", judge, rubric).score(EXAMPLE);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.value()).isEqualTo(0.0);
        assertThat(verdict.explanation()).contains("no usable judge answer for: polite (the judge's answer is not a"
                + " JSON object: \"I think it is quite polite overall.\")");
        assertThat(verdict.explanation()).contains("short (the judge's answer has no true/false \"pass\"");
        assertThat(verdict.judgeCalls()).hasSize(2);
    }

    @Test
    void aJudgeThatThrowsFailsTheVerdictNotTheEvaluation() {
        Judge broken = (system, user) -> {
            throw new IllegalStateException("connection refused");
        };
        Verdict rubric = create("llm-rubric", broken, List.of(new RubricCriterion("x", "The reply is polite.")))
                .score(EXAMPLE);
        assertThat(rubric.passed()).isFalse();
        assertThat(rubric.explanation()).contains("the judge call failed: connection refused");
        assertThat(rubric.judgeCalls()).isEmpty();
        Verdict pairwise = create("pairwise", broken, List.of()).score(EXAMPLE);
        assertThat(pairwise.passed()).isFalse();
        assertThat(pairwise.value()).isNull();
        assertThat(pairwise.explanation()).contains("connection refused");
    }

    @Test
    void pairwiseAsksBothOrdersAndAConsistentWinnerScoresOne() {
        FakeJudge judge = new FakeJudge((system, user) ->
                "{\"winner\": \"" + candidateLetter(user) + "\", \"reason\": \"Names the order and a date.\"}");
        Verdict verdict = create("pairwise", judge, List.of()).score(EXAMPLE);

        assertThat(judge.asked).hasSize(2);
        assertThat(candidateLetter(judge.asked.get(0))).isEqualTo("B"); // champion first
        assertThat(candidateLetter(judge.asked.get(1))).isEqualTo("A"); // then swapped
        assertThat(judge.asked.get(0)).contains("<reply_a>\n" + CHAMPION + "\n</reply_a>");
        assertThat(verdict.value()).isEqualTo(1.0);
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.details().get("outcome")).isEqualTo("win");
        assertThat(verdict.judgeCalls()).hasSize(2);
    }

    @Test
    void pairwiseLossScoresZero() {
        FakeJudge judge = new FakeJudge((system, user) -> "{\"winner\": \"" + championLetter(user) + "\"}");
        Verdict verdict = create("pairwise", judge, List.of()).score(EXAMPLE);
        assertThat(verdict.value()).isEqualTo(0.0);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.details().get("outcome")).isEqualTo("lose");
    }

    @Test
    void aJudgeThatAlwaysPrefersThePositionCancelsOutToATie() {
        FakeJudge positionBiased = new FakeJudge((system, user) -> "{\"winner\": \"A\", \"reason\": \"first\"}");
        Verdict verdict = create("pairwise", positionBiased, List.of()).score(EXAMPLE);
        assertThat(verdict.value()).isEqualTo(0.5);
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.details().get("outcome")).isEqualTo("disagreement");
        assertThat(verdict.explanation()).contains("champion first: candidate loses, candidate first: candidate wins");
    }

    @Test
    void aTieScoresAHalf() {
        FakeJudge judge = new FakeJudge((system, user) -> "{\"winner\": \"tie\", \"reason\": \"Equally good.\"}");
        Verdict verdict = create("pairwise", judge, List.of()).score(EXAMPLE);
        assertThat(verdict.value()).isEqualTo(0.5);
        assertThat(verdict.details().get("outcome")).isEqualTo("tie");
        // one order a win, the other a tie: still not a consistent win
        FakeJudge half = new FakeJudge((system, user) -> candidateLetter(user).equals("B")
                ? "{\"winner\": \"B\"}" : "{\"winner\": \"tie\"}");
        assertThat(create("pairwise", half, List.of()).score(EXAMPLE).value()).isEqualTo(0.5);
    }

    @Test
    void aMalformedPairwiseAnswerFailsTheVerdictAndSaysWhich() {
        FakeJudge judge = new FakeJudge((system, user) -> candidateLetter(user).equals("B")
                ? "{\"winner\": \"B\"}" : "{\"winner\": \"the second one\"}");
        Verdict verdict = create("pairwise", judge, List.of()).score(EXAMPLE);
        assertThat(verdict.value()).isNull();
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.explanation()).startsWith("no usable judge answer (candidate first: the judge's answer has"
                + " no \"winner\"");
        assertThat(verdict.judgeCalls()).hasSize(2);
    }

    @Test
    void pairwiseWithoutAChampionOrWithTheSameOutputAsksNothing() {
        FakeJudge judge = new FakeJudge((system, user) -> "{\"winner\": \"A\"}");
        Scorer pairwise = create("pairwise", judge, List.of());
        Verdict noChampion = pairwise.score(new ScoredExample("in", null, CANDIDATE));
        assertThat(noChampion.value()).isNull();
        assertThat(noChampion.explanation()).isEqualTo("no champion output to compare with");
        Verdict same = pairwise.score(new ScoredExample("in", null, CHAMPION, 0, null, CHAMPION));
        assertThat(same.value()).isEqualTo(0.5);
        assertThat(judge.asked).isEmpty();
    }
}
