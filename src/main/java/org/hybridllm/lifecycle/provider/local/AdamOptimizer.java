package org.hybridllm.lifecycle.provider.local;

/** Adam (Kingma and Ba, 2015) over a square weight matrix, with the gradient given flattened row by row. */
final class AdamOptimizer {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private final double[] m;
    private final double[] v;
    private final double learningRate;
    private int t;

    AdamOptimizer(int size, double learningRate) {
        this.m = new double[size];
        this.v = new double[size];
        this.learningRate = learningRate;
    }

    void step(double[] gradient, float[][] weights) {
        t++;
        double correction1 = 1 - Math.pow(BETA1, t);
        double correction2 = 1 - Math.pow(BETA2, t);
        int columns = weights[0].length;
        for (int i = 0; i < gradient.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * gradient[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * gradient[i] * gradient[i];
            double update = learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + EPSILON);
            weights[i / columns][i % columns] -= (float) update;
        }
    }
}
