package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxHeadTest {

    @Test
    void gradientDescentLearnsSeparableClassesAndTheLossFalls() {
        Random random = new Random(1);
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int y = i % 3;
            float[] x = new float[8];
            for (int d = 0; d < x.length; d++) {
                x[d] = (float) random.nextGaussian() * 0.3f;
            }
            x[y] += 1.5f; // class y lives along axis y
            xs.add(x);
            ys.add(y);
        }
        SoftmaxHead.Trained trained = SoftmaxHead.train(List.of("a", "b", "c"), xs.subList(0, 240),
                ys.subList(0, 240), xs.subList(240, 300), ys.subList(240, 300),
                new SoftmaxHead.Hyperparameters(100, 16, 0.05, 1e-4, 10, 3));
        int correct = 0;
        for (int i = 240; i < 300; i++) {
            if (trained.head().predict(xs.get(i)) == ys.get(i)) {
                correct++;
            }
        }
        assertThat(correct).isGreaterThanOrEqualTo(57);
        assertThat(trained.curve().getLast().trainLoss()).isLessThan(trained.curve().getFirst().trainLoss());
    }
}
