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
                double gradientOfU = (gradientOfQ[a] - along * u[a] / norm) / norm;
                int row = a * dim;
                for (int b = 0; b < dim; b++) {
                    gradient[row + b] += gradientOfU * x[b];
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
            float[] row = projection[a];
            double sum = 0;
            for (int b = 0; b < x.length; b++) {
                sum += row[b] * x[b];
            }
            u[a] = sum;
            squares += sum * sum;
        }
        return Math.sqrt(squares);
    }

    static double dot(double[] u, float[] r) {
        double sum = 0;
        for (int d = 0; d < u.length; d++) {
            sum += u[d] * r[d];
        }
        return sum;
    }
}
