package org.hybridllm.lifecycle.provider.local;

/**
 * Adam (Kingma and Ba, 2015) over a flattened parameter vector, for every head the local model trains: the
 * gradient comes flattened in the same order as the parameters it updates.
 */
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

    /** One step's update of each parameter (to be subtracted), moments advanced. */
    private double[] updates(double[] gradient) {
        t++;
        double correction1 = 1 - Math.pow(BETA1, t);
        double correction2 = 1 - Math.pow(BETA2, t);
        double[] updates = new double[gradient.length];
        for (int i = 0; i < gradient.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * gradient[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * gradient[i] * gradient[i];
            updates[i] = learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + EPSILON);
        }
        return updates;
    }

    /** A weight matrix, flattened row by row. */
    void step(double[] gradient, float[][] weights) {
        double[] updates = updates(gradient);
        int columns = weights[0].length;
        for (int i = 0; i < updates.length; i++) {
            weights[i / columns][i % columns] -= (float) updates[i];
        }
    }

    /** A weight matrix flattened row by row, then its bias. */
    void step(double[] gradient, float[][] weights, float[] bias) {
        double[] updates = updates(gradient);
        int columns = weights[0].length;
        int matrix = weights.length * columns;
        for (int i = 0; i < updates.length; i++) {
            if (i < matrix) {
                weights[i / columns][i % columns] -= (float) updates[i];
            } else {
                bias[i - matrix] -= (float) updates[i];
            }
        }
    }

    /** Flat weights, then the bias. */
    void step(double[] gradient, float[] weights, float[] bias) {
        double[] updates = updates(gradient);
        for (int i = 0; i < updates.length; i++) {
            if (i < weights.length) {
                weights[i] -= (float) updates[i];
            } else {
                bias[i - weights.length] -= (float) updates[i];
            }
        }
    }
}
