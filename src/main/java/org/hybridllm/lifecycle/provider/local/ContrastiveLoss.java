package org.hybridllm.lifecycle.provider.local;

import java.util.Arrays;
import java.util.List;

/**
 * InfoNCE (van den Oord et al., 2018) for response selection with a projection W applied to the input embedding:
 * q = Wx / |Wx|, score(x, r) = q·r / temperature, and the loss of a pair is the cross-entropy of picking its own
 * reply among the batch's replies. The replies are the distinct ones of the batch, so two tickets answered by
 * the same macro are never each other's negatives. A ridge term (l2 / 2)·|W − I|² keeps W near the identity,
 * i.e. near the pretrained similarity, which matters with a few hundred pairs for 147k weights.
 */
final class ContrastiveLoss {

    private ContrastiveLoss() {
    }

    /**
     * One batch: inputs[i]'s own reply is replies[positives[i]]. Reply vectors are L2-normalised; the replies
     * are distinct.
     */
    record Batch(List<float[]> inputs, List<float[]> replies, int[] positives) {
    }

    /** The mean InfoNCE of the batch, without the ridge term (what the loss curve reports). */
    static double infoNce(float[][] projection, Batch batch, double temperature) {
        return lossAndGradient(projection, batch, temperature, 0, null);
    }

    /**
     * The training objective, mean InfoNCE + (l2 / 2)·|W − I|², and, where gradient is not null, its gradient
     * with respect to W, written row by row into gradient (dim × dim, overwritten).
     */
    static double lossAndGradient(float[][] projection, Batch batch, double temperature, double l2,
                                  double[] gradient) {
        int dim = projection.length;
        int size = batch.inputs().size();
        int replies = batch.replies().size();
        if (gradient != null) {
            Arrays.fill(gradient, 0);
        }
        double total = 0;
        double[] u = new double[dim];
        double[] scores = new double[replies];
        double[] gradientOfQ = new double[dim];
        double[][] gradientOfU = gradient == null ? null : new double[size][dim];
        for (int i = 0; i < size; i++) {
            float[] x = batch.inputs().get(i);
            double norm = multiply(projection, x, u);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < replies; j++) {
                scores[j] = dot(u, batch.replies().get(j)) / (norm * temperature);
                max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j < replies; j++) {
                sum += Math.exp(scores[j] - max);
            }
            int positive = batch.positives()[i];
            total += max + Math.log(sum) - scores[positive];
            if (gradient == null) {
                continue;
            }
            // dL/dq = Σ_j (p_j − [j = positive]) r_j / (temperature · size)
            Arrays.fill(gradientOfQ, 0);
            for (int j = 0; j < replies; j++) {
                double coefficient = (Math.exp(scores[j] - max) / sum - (j == positive ? 1 : 0))
                        / (temperature * size);
                float[] r = batch.replies().get(j);
                for (int d = 0; d < dim; d++) {
                    gradientOfQ[d] += coefficient * r[d];
                }
            }
            // through the normalisation q = u / |u|: dL/du = (dL/dq − (dL/dq · q) q) / |u|
            double along = 0;
            for (int d = 0; d < dim; d++) {
                along += gradientOfQ[d] * u[d] / norm;
            }
            for (int a = 0; a < dim; a++) {
                gradientOfU[i][a] = (gradientOfQ[a] - along * u[a] / norm) / norm;
            }
        }
        if (gradient != null) {
            // dL/dW = Σ_i dL/du_i x_iᵀ, a row of W at a time so that the row stays in the CPU cache
            for (int a = 0; a < dim; a++) {
                int row = a * dim;
                for (int i = 0; i < size; i++) {
                    double coefficient = gradientOfU[i][a];
                    float[] x = batch.inputs().get(i);
                    for (int b = 0; b < dim; b++) {
                        gradient[row + b] += coefficient * x[b];
                    }
                }
            }
        }
        double ridge = 0;
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b < dim; b++) {
                double offIdentity = projection[a][b] - (a == b ? 1 : 0);
                ridge += offIdentity * offIdentity;
                if (gradient != null) {
                    gradient[a * dim + b] += l2 * offIdentity;
                }
            }
        }
        return total / size + l2 / 2 * ridge;
    }

    /** u = W x; returns |u|. */
    static double multiply(float[][] projection, float[] x, double[] u) {
        double squares = 0;
        for (int a = 0; a < projection.length; a++) {
            u[a] = dot(projection[a], x);
            squares += u[a] * u[a];
        }
        return Math.sqrt(squares);
    }

    /**
     * Four partial sums, which the CPU adds in parallel where a single running sum waits on each addition (the
     * projections are most of the training time). The order is fixed, so every run gives the same result.
     */
    private static double dot(float[] row, float[] x) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int b = 0;
        for (; b + 3 < x.length; b += 4) {
            s0 += row[b] * x[b];
            s1 += row[b + 1] * x[b + 1];
            s2 += row[b + 2] * x[b + 2];
            s3 += row[b + 3] * x[b + 3];
        }
        for (; b < x.length; b++) {
            s0 += row[b] * x[b];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double dot(double[] u, float[] r) {
        double sum = 0;
        for (int d = 0; d < u.length; d++) {
            sum += u[d] * r[d];
        }
        return sum;
    }
}
