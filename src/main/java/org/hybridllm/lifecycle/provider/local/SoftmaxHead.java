package org.hybridllm.lifecycle.provider.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A classifier head on top of the frozen MiniLM encoder: standardised embedding → linear layer → softmax.
 * Trained by mini-batch gradient descent (Adam) on cross-entropy with L2, keeping the weights of the epoch with
 * the lowest validation loss. This is the local provider's "fine-tuning".
 */
public record SoftmaxHead(List<String> labels, float[] mean, float[] scale, float[][] weights, float[] bias) {

    /** Training settings; the defaults suit a few hundred examples of a dozen labels. */
    public record Hyperparameters(int epochs, int batchSize, double learningRate, double l2, int patience,
                                  long seed) {
        public static Hyperparameters defaults() {
            return new Hyperparameters(200, 32, 0.01, 1e-3, 25, 42L);
        }
    }

    /** One epoch's losses, for the loss curve. */
    public record EpochLoss(int epoch, double trainLoss, double validationLoss) {
    }

    public record Trained(SoftmaxHead head, List<EpochLoss> curve, int bestEpoch) {
    }

    public int predict(float[] embedding) {
        double[] logits = logits(standardise(embedding));
        int best = 0;
        for (int k = 1; k < logits.length; k++) {
            if (logits[k] > logits[best]) {
                best = k;
            }
        }
        return best;
    }

    public String predictLabel(float[] embedding) {
        return labels.get(predict(embedding));
    }

    public static Trained train(List<String> labels, List<float[]> trainX, List<Integer> trainY,
                                List<float[]> validationX, List<Integer> validationY, Hyperparameters hp) {
        if (trainX.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        int dim = trainX.get(0).length;
        int classes = labels.size();
        float[] mean = new float[dim];
        float[] scale = new float[dim];
        standardisation(trainX, mean, scale);
        List<float[]> xs = trainX.stream().map(x -> standardise(x, mean, scale)).toList();
        List<float[]> vxs = validationX.stream().map(x -> standardise(x, mean, scale)).toList();

        float[][] w = new float[classes][dim];
        float[] b = new float[classes];
        AdamOptimizer adamW = new AdamOptimizer(classes * dim + classes, hp.learningRate());
        Random random = new Random(hp.seed());
        int[] order = new int[xs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }

        List<EpochLoss> curve = new ArrayList<>();
        SoftmaxHead best = null;
        double bestLoss = Double.MAX_VALUE;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= hp.epochs(); epoch++) {
            shuffle(order, random);
            for (int from = 0; from < order.length; from += hp.batchSize()) {
                int to = Math.min(from + hp.batchSize(), order.length);
                double[] gradient = new double[classes * dim + classes];
                for (int n = from; n < to; n++) {
                    float[] x = xs.get(order[n]);
                    double[] p = softmax(logits(x, w, b));
                    p[trainY.get(order[n])] -= 1;
                    for (int k = 0; k < classes; k++) {
                        for (int d = 0; d < dim; d++) {
                            gradient[k * dim + d] += p[k] * x[d];
                        }
                        gradient[classes * dim + k] += p[k];
                    }
                }
                int size = to - from;
                for (int k = 0; k < classes; k++) {
                    for (int d = 0; d < dim; d++) {
                        gradient[k * dim + d] = gradient[k * dim + d] / size + hp.l2() * w[k][d];
                    }
                    gradient[classes * dim + k] /= size;
                }
                adamW.step(gradient, w, b);
            }
            double trainLoss = loss(xs, trainY, w, b);
            double validationLoss = vxs.isEmpty() ? trainLoss : loss(vxs, validationY, w, b);
            curve.add(new EpochLoss(epoch, trainLoss, validationLoss));
            if (validationLoss < bestLoss - 1e-6) {
                bestLoss = validationLoss;
                bestEpoch = epoch;
                best = new SoftmaxHead(List.copyOf(labels), mean, scale, copy(w), b.clone());
            } else if (epoch - bestEpoch >= hp.patience()) {
                break; // early stopping: validation loss stopped improving
            }
        }
        return new Trained(best, curve, bestEpoch);
    }

    private double[] logits(float[] standardised) {
        return logits(standardised, weights, bias);
    }

    private float[] standardise(float[] x) {
        return standardise(x, mean, scale);
    }

    private static double[] logits(float[] x, float[][] w, float[] b) {
        double[] z = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            double sum = b[k];
            float[] row = w[k];
            for (int d = 0; d < x.length; d++) {
                sum += row[d] * x[d];
            }
            z[k] = sum;
        }
        return z;
    }

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static double loss(List<float[]> xs, List<Integer> ys, float[][] w, float[] b) {
        double total = 0;
        for (int n = 0; n < xs.size(); n++) {
            double[] p = softmax(logits(xs.get(n), w, b));
            total -= Math.log(Math.max(p[ys.get(n)], 1e-12));
        }
        return total / xs.size();
    }

    private static void standardisation(List<float[]> xs, float[] mean, float[] scale) {
        int dim = mean.length;
        double[] sum = new double[dim];
        double[] sumSq = new double[dim];
        for (float[] x : xs) {
            for (int d = 0; d < dim; d++) {
                sum[d] += x[d];
                sumSq[d] += x[d] * x[d];
            }
        }
        for (int d = 0; d < dim; d++) {
            double m = sum[d] / xs.size();
            double variance = Math.max(sumSq[d] / xs.size() - m * m, 0);
            mean[d] = (float) m;
            scale[d] = (float) (1.0 / Math.sqrt(variance + 1e-6));
        }
    }

    private static float[] standardise(float[] x, float[] mean, float[] scale) {
        float[] out = new float[x.length];
        for (int d = 0; d < x.length; d++) {
            out[d] = (x[d] - mean[d]) * scale[d];
        }
        return out;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static float[][] copy(float[][] w) {
        float[][] out = new float[w.length][];
        for (int k = 0; k < w.length; k++) {
            out[k] = w[k].clone();
        }
        return out;
    }
}
