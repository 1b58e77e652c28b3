package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

    private static float[] unit(double... values) {
        float[] v = new float[values.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) values[d];
        }
        return MiniLmEmbeddings.normalise(v);
    }

    @Test
    void theLossOfAnInputOnItsOwnReplyAgainstAnOrthogonalOneIsLogOnePlusEToTheMinusOne() {
        // W = I, q = r1: scores 1 and 0 at temperature 1, so the loss is -log(e / (e + 1)) = log(1 + 1/e)
        ContrastiveLoss.Batch batch = new ContrastiveLoss.Batch(List.of(unit(1, 0)),
                List.of(unit(1, 0), unit(0, 1)), new int[] {0});
        assertThat(ContrastiveLoss.infoNce(ReplyProjection.identity(2), batch, 1.0))
                .isCloseTo(Math.log(1 + Math.exp(-1)), within(1e-9));
        // a sharper temperature makes the right reply more certain: log(1 + e^-10)
        assertThat(ContrastiveLoss.infoNce(ReplyProjection.identity(2), batch, 0.1))
                .isCloseTo(Math.log(1 + Math.exp(-10)), within(1e-9));
    }

    @Test
    void theGradientMatchesCentralFiniteDifferences() {
        float[][] w = {{0.9f, 0.2f, -0.1f}, {-0.3f, 1.1f, 0.4f}, {0.05f, -0.2f, 0.8f}};
        // four inputs, three distinct replies, two inputs sharing reply 1
        ContrastiveLoss.Batch batch = new ContrastiveLoss.Batch(
                List.of(unit(1, 0.2, 0.1), unit(0.1, 1, -0.3), unit(-0.2, 0.7, 0.5), unit(0.3, -0.4, 1)),
                List.of(unit(1, 0.1, 0), unit(0, 1, 0.2), unit(0.2, -0.1, 1)), new int[] {0, 1, 1, 2});
        double temperature = 0.3;
        double l2 = 0.05;
        double[] gradient = new double[9];
        ContrastiveLoss.lossAndGradient(w, batch, temperature, l2, gradient);
        double step = 1e-3; // W is float: a step well above float precision
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                float original = w[a][b];
                w[a][b] = (float) (original + step);
                double plus = ContrastiveLoss.lossAndGradient(w, batch, temperature, l2, null);
                w[a][b] = (float) (original - step);
                double minus = ContrastiveLoss.lossAndGradient(w, batch, temperature, l2, null);
                w[a][b] = original;
                double numeric = (plus - minus) / (((float) (original + step)) - ((float) (original - step)));
                assertThat(gradient[a * 3 + b]).as("dL/dW[%d][%d]", a, b).isCloseTo(numeric, within(1e-4));
            }
        }
        assertThat(Arrays.stream(gradient).map(Math::abs).max().orElseThrow())
                .as("a gradient that is not trivially zero").isGreaterThan(0.05);
    }

    @Test
    void aBatchContrastsEachInputOnlyWithTheDistinctRepliesOfTheBatch() {
        List<float[]> candidates = List.of(unit(1, 0), unit(0, 1), unit(1, 1));
        ReplyProjection.Pairs pairs = new ReplyProjection.Pairs(
                List.of(unit(1, 0.1), unit(0.9, 0.2), unit(0.1, 1), unit(0.5, 0.5)), new int[] {0, 0, 1, -1});
        ContrastiveLoss.Batch batch = ReplyProjection.inBatch(pairs, candidates, new int[] {0, 1, 2, 3}, 0, 4);
        // the two tickets answered by candidate 0 share one reply, not each other's negatives; the pair whose
        // reply is not a candidate is left out
        assertThat(batch.replies()).containsExactly(candidates.get(0), candidates.get(1));
        assertThat(batch.positives()).containsExactly(0, 0, 1);
        assertThat(batch.inputs()).hasSize(3);
    }
}
