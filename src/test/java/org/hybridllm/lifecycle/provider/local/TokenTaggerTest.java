package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenTaggerTest {

    private static double[] piece(double outside, double begin, double inside) {
        return new double[] {Math.log(outside), Math.log(begin), Math.log(inside)};
    }

    @Test
    void decodesTheLikeliestSingleSpan() {
        double[][] logProbabilities = {
            piece(0.9, 0.05, 0.05),
            piece(0.2, 0.7, 0.1),  // B
            piece(0.3, 0.1, 0.6),  // I
            piece(0.4, 0.1, 0.5),  // I, barely
            piece(0.9, 0.05, 0.05),
            piece(0.45, 0.55, 0.0), // a weaker second span: a field has one value
        };
        Optional<TokenTagger.PieceSpan> span = TokenTagger.bestSpan(logProbabilities, 32);

        assertThat(span).isPresent();
        assertThat(span.get().first()).isEqualTo(1);
        assertThat(span.get().last()).isEqualTo(3);
        double margin = Math.log(0.7 / 0.2) + Math.log(0.6 / 0.3) + Math.log(0.5 / 0.4);
        assertThat(span.get().margin()).isCloseTo(margin, offset(1e-9));
    }

    @Test
    void noSpanWhereEveryPieceIsLikelierOutside() {
        double[][] logProbabilities = {piece(0.6, 0.3, 0.1), piece(0.5, 0.2, 0.3)};
        assertThat(TokenTagger.bestSpan(logProbabilities, 32)).isEmpty();
    }

    @Test
    void spansAreCappedInLength() {
        double[][] logProbabilities = {piece(0.1, 0.8, 0.1), piece(0.1, 0.1, 0.8), piece(0.1, 0.1, 0.8)};
        assertThat(TokenTagger.bestSpan(logProbabilities, 2)).get()
                .satisfies(span -> assertThat(span.last()).isEqualTo(1));
    }
}
