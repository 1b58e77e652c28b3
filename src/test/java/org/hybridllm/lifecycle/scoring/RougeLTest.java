package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ROUGE-L against Google's rouge-score test values: google-research/google-research rouge/rouge_scorer_test.py
 * (testRougeLConsecutive, testRougeLNonConsecutive, testRougeEmpty, testRougeLAgainstRouge155, whose "ground truth"
 * comes from ROUGE-1.5.5) with rouge/testdata/target.txt and prediction.txt, and rouge/tokenize_test.py.
 * score(target, prediction), as there.
 */
class RougeLTest {

    // the first two lines of rouge/testdata/target.txt and prediction.txt
    static final List<String> TARGETS = List.of(
            "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr"
                    + " q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
            "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer"
                    + " HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T"
                    + " BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n");
    static final List<String> PREDICTIONS = List.of(
            "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
            "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed"
                    + " nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n");

    @Test
    void consecutive() {
        RougeL.Score score = RougeL.score("testing one two", "testing one");
        assertThat(score.precision()).isCloseTo(1, within(1e-7));
        assertThat(score.recall()).isCloseTo(2.0 / 3, within(1e-7));
        assertThat(score.fmeasure()).isCloseTo(4.0 / 5, within(1e-7));
    }

    @Test
    void nonConsecutive() {
        RougeL.Score score = RougeL.score("testing one two", "testing two");
        assertThat(score.precision()).isCloseTo(1, within(1e-7));
        assertThat(score.recall()).isCloseTo(2.0 / 3, within(1e-7));
        assertThat(score.fmeasure()).isCloseTo(4.0 / 5, within(1e-7));
    }

    @Test
    void emptyPrediction() {
        assertThat(RougeL.score("testing one two", "")).isEqualTo(new RougeL.Score(0, 0, 0));
    }

    @Test
    void againstRouge155() {
        RougeL.Score first = RougeL.score(TARGETS.get(0), PREDICTIONS.get(0));
        assertThat(first.recall()).isCloseTo(0.40741, within(5e-6));
        assertThat(first.precision()).isCloseTo(0.68750, within(5e-6));
        assertThat(first.fmeasure()).isCloseTo(0.51163, within(5e-6));
        RougeL.Score second = RougeL.score(TARGETS.get(1), PREDICTIONS.get(1));
        assertThat(second.recall()).isCloseTo(0.40476, within(5e-6));
        assertThat(second.precision()).isCloseTo(0.65385, within(5e-6));
        assertThat(second.fmeasure()).isCloseTo(0.50000, within(5e-6));
    }

    @Test
    void tokenizesAsRougeScoreDoes() {
        assertThat(RougeL.tokenize("one Two three")).containsExactly("one", "two", "three");
        assertThat(RougeL.tokenize("one\n Two \nthree")).containsExactly("one", "two", "three");
        assertThat(RougeL.tokenize("Don't—stop, café!")).containsExactly("don", "t", "stop", "caf");
    }
}
