package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;
import java.util.stream.Stream;

/**
 * chrF against sacreBLEU's own published test values: mjpost/sacrebleu test/test_chrf.py (commit f615c72), which
 * checks them to within 1e-4. Each group calls CHRF with the same settings as the test it copies.
 */
class ChrFTest {

    static final double EPSILON = 1e-4;

    /** test_chrf_sentence_level: sentence_chrf(hyp, [ref], eps_smoothing=True), beta 2. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.|Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.|39.14078509
            Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.|A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.|31.22557079
            Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.|Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.|57.15704367
            """)
    void sentenceLevelWithEpsilonSmoothing(String hypothesis, String reference, double expected) {
        assertThat(new ChrF(6, 2, false, true).sentenceScore(hypothesis, reference)).isCloseTo(expected, within(EPSILON));
    }

    static Stream<Arguments> epsilonSmoothedCorpora() {
        return Stream.of(
                Arguments.of(List.of("abcdefg"), List.of("hijklmnop"), 0.0),
                Arguments.of(List.of("a"), List.of("b"), 0.0),
                Arguments.of(List.of(""), List.of("b"), 0.0),
                Arguments.of(List.of(""), List.of("ref"), 0.0),
                Arguments.of(List.of(""), List.of("reference"), 0.0),
                Arguments.of(List.of("aa"), List.of("ab"), 8.3333),
                Arguments.of(List.of("a", "b"), List.of("a", "c"), 8.3333),
                Arguments.of(List.of("a"), List.of("a"), 16.6667),
                Arguments.of(List.of("a b c"), List.of("a b c"), 50.0),
                Arguments.of(List.of("a b c"), List.of("abc"), 50.0),
                Arguments.of(List.of(" risk assessment must be made of those who are qualified and expertise in the"
                                + " sector - these are the scientists ."),
                        List.of("risk assessment has to be undertaken by those who are qualified and expert in that"
                                + " area - that is the scientists ."), 63.361730),
                Arguments.of(List.of(" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "),
                        List.of("Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."),
                        64.1302698),
                Arguments.of(List.of("Niemand hat die Absicht, eine Mauer zu errichten"),
                        List.of("Niemand hat die Absicht, eine Mauer zu errichten"), 100.0));
    }

    /** test_chrf: corpus_chrf(..., char_order=6, word_order=0, beta=3, eps_smoothing=True). */
    @ParameterizedTest
    @MethodSource("epsilonSmoothedCorpora")
    void corpusWithEpsilonSmoothing(List<String> hypotheses, List<String> references, double expected) {
        assertThat(new ChrF(6, 3, false, true).corpusScore(hypotheses, references)).isCloseTo(expected, within(EPSILON));
    }

    static Stream<Arguments> effectiveOrderCorpora() {
        return Stream.of(
                Arguments.of(List.of("a"), List.of("a"), 100.0),
                Arguments.of(List.of(""), List.of("reference"), 0.0),
                Arguments.of(List.of("a b c"), List.of("a b c"), 100.0),
                Arguments.of(List.of("a b c"), List.of("abc"), 100.0),
                Arguments.of(List.of(""), List.of("c"), 0.0),
                Arguments.of(List.of("a", "b"), List.of("a", "c"), 50.0),
                Arguments.of(List.of("aa"), List.of("ab"), 25.0));
    }

    /** test_chrf_eff_order: corpus_chrf(..., beta=3, eps_smoothing=False), sacreBLEU's default smoothing. */
    @ParameterizedTest
    @MethodSource("effectiveOrderCorpora")
    void corpusWithEffectiveOrder(List<String> hypotheses, List<String> references, double expected) {
        assertThat(new ChrF(6, 3, false, false).corpusScore(hypotheses, references)).isCloseTo(expected, within(EPSILON));
    }

    /** test_chrf_keep_whitespace: corpus_chrf(..., beta=3, remove_whitespace=False). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.|Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.|67.3481606
            risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .|risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .|65.2414427
            """)
    void corpusKeepingWhitespace(String hypothesis, String reference, double expected) {
        assertThat(new ChrF(6, 3, true, false).corpusScore(List.of(hypothesis), List.of(reference)))
                .isCloseTo(expected, within(EPSILON));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Thank you for your order.|Thank you for your order.|100
            |Thank you for your order.|0
            """)
    void theScorersDefaultIsBetaTwoWithEffectiveOrder(String hypothesis, String reference, double expected) {
        assertThat(ChrF.SACREBLEU_DEFAULT.sentenceScore(hypothesis == null ? "" : hypothesis, reference))
                .isCloseTo(expected, within(EPSILON));
    }
}
