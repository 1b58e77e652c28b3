package org.hybridllm.lifecycle.provider.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The tagging head for span fields: per field, a softmax over the BIO tags (outside, begins, inside the field's
 * value) of each word piece, linear in the piece's standardised {@link TokenFeatures}. Fields have separate
 * softmaxes, so an example whose value for one field cannot be found in the input still teaches the others.
 * Trained by mini-batch Adam on cross-entropy with L2, keeping the epoch with the lowest validation loss, like
 * {@link SoftmaxHead}. Weights are flat: {@code weights[((f * TAGS) + tag) * dimension + d]}.
 */
record TokenTagger(List<String> fields, int dimension, float[] mean, float[] scale, float[] weights, float[] bias) {

    static final int OUTSIDE = 0;
    static final int BEGIN = 1;
    static final int INSIDE = 2;
    static final int TAGS = 3;
    /** Longest span, in word pieces, that decoding considers. */
    static final int MAX_SPAN = 32;

    /** Training settings; the defaults suit a few hundred tickets of a few dozen word pieces. */
    record Hyperparameters(int epochs, int batchSize, double learningRate, double l2, int patience, long seed) {
        static Hyperparameters defaults() {
            return new Hyperparameters(30, 8, 0.01, 1e-3, 3, 42L);
        }
    }

    /** A sequence and its tags per field: {@code tags[f]} is null where field f has no label for it. */
    record Example(TokenFeatures features, int[][] tags) {
    }

    record Trained(TokenTagger tagger, List<SoftmaxHead.EpochLoss> curve, int bestEpoch) {
    }

    /** A decoded span: word pieces first..last (inclusive) and how much likelier it is than no span (log). */
    record PieceSpan(int first, int last, double margin) {
    }

    /** BIO tags of a sequence for a value at characters [start, end): pieces overlapping it are B then I. */
    static int[] tags(MiniLmTokenStates.Encoded encoded, int start, int end) {
        int[] tags = new int[encoded.size()];
        boolean begun = false;
        for (int t = 0; t < tags.length; t++) {
            if (encoded.start()[t] < end && encoded.end()[t] > start) {
                tags[t] = begun ? INSIDE : BEGIN;
                begun = true;
            }
        }
        return tags;
    }

    static Trained train(List<String> fields, List<Example> train, List<Example> validation, Hyperparameters hp) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        int dim = TokenFeatures.DIMENSION;
        int outputs = fields.size() * TAGS;
        float[] mean = new float[dim];
        float[] scale = new float[dim];
        standardisation(train, mean, scale);
        float[] w = new float[outputs * dim];
        float[] b = new float[outputs];
        AdamOptimizer adam = new AdamOptimizer(w.length + b.length, hp.learningRate());
        double[] gradient = new double[w.length + b.length];
        Random random = new Random(hp.seed());
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] x = new float[dim];
        double[] z = new double[TAGS];

        List<SoftmaxHead.EpochLoss> curve = new ArrayList<>();
        TokenTagger best = null;
        double bestLoss = Double.MAX_VALUE;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= hp.epochs(); epoch++) {
            shuffle(order, random);
            double epochLoss = 0;
            long epochCount = 0;
            for (int from = 0; from < order.length; from += hp.batchSize()) {
                int to = Math.min(from + hp.batchSize(), order.length);
                Arrays.fill(gradient, 0);
                long count = 0;
                for (int n = from; n < to; n++) {
                    Example example = train.get(order[n]);
                    for (int t = 0; t < example.features().size(); t++) {
                        example.features().fill(t, x);
                        standardise(x, mean, scale);
                        for (int f = 0; f < fields.size(); f++) {
                            int[] tags = example.tags()[f];
                            if (tags == null) {
                                continue;
                            }
                            logits(x, w, b, f, dim, z);
                            double[] p = softmax(z);
                            epochLoss -= Math.log(Math.max(p[tags[t]], 1e-12)); // before this batch's step
                            p[tags[t]] -= 1;
                            for (int k = 0; k < TAGS; k++) {
                                int row = (f * TAGS + k) * dim;
                                double pk = p[k];
                                for (int d = 0; d < dim; d++) {
                                    gradient[row + d] += pk * x[d];
                                }
                                gradient[w.length + f * TAGS + k] += pk;
                            }
                            count++;
                        }
                    }
                }
                if (count == 0) {
                    continue;
                }
                epochCount += count;
                for (int i = 0; i < w.length; i++) {
                    gradient[i] = gradient[i] / count + hp.l2() * w[i];
                }
                for (int i = w.length; i < gradient.length; i++) {
                    gradient[i] /= count;
                }
                adam.step(gradient, w, b);
            }
            TokenTagger current = new TokenTagger(List.copyOf(fields), dim, mean, scale, w, b);
            double trainLoss = epochCount == 0 ? 0 : epochLoss / epochCount;
            double validationLoss = validation.isEmpty() ? current.loss(train) : current.loss(validation);
            curve.add(new SoftmaxHead.EpochLoss(epoch, trainLoss, validationLoss));
            if (validationLoss < bestLoss - 1e-6) {
                bestLoss = validationLoss;
                bestEpoch = epoch;
                best = new TokenTagger(List.copyOf(fields), dim, mean, scale, w.clone(), b.clone());
            } else if (epoch - bestEpoch >= hp.patience()) {
                break; // early stopping: validation loss stopped improving
            }
        }
        return new Trained(best, curve, bestEpoch);
    }

    /** Mean cross-entropy per labelled (piece, field). */
    double loss(List<Example> examples) {
        double total = 0;
        long count = 0;
        for (Example example : examples) {
            double[][][] logProbabilities = logProbabilities(example.features());
            for (int f = 0; f < fields.size(); f++) {
                int[] tags = example.tags()[f];
                if (tags == null) {
                    continue;
                }
                for (int t = 0; t < tags.length; t++) {
                    total -= Math.max(logProbabilities[f][t][tags[t]], Math.log(1e-12));
                    count++;
                }
            }
        }
        return count == 0 ? 0 : total / count;
    }

    /** log P(tag) per field, piece and tag: {@code [field][piece][tag]}. */
    double[][][] logProbabilities(TokenFeatures features) {
        int n = features.size();
        double[][][] out = new double[fields.size()][n][];
        float[] x = new float[dimension];
        double[] z = new double[TAGS];
        for (int t = 0; t < n; t++) {
            features.fill(t, x);
            standardise(x, mean, scale);
            for (int f = 0; f < fields.size(); f++) {
                logits(x, weights, bias, f, dimension, z);
                double[] p = softmax(z);
                for (int k = 0; k < TAGS; k++) {
                    p[k] = Math.log(Math.max(p[k], 1e-300));
                }
                out[f][t] = p;
            }
        }
        return out;
    }

    /** The most likely span of each field, or empty where no span is likelier than none. */
    List<Optional<PieceSpan>> decode(TokenFeatures features) {
        double[][][] logProbabilities = logProbabilities(features);
        List<Optional<PieceSpan>> spans = new ArrayList<>(fields.size());
        for (double[][] field : logProbabilities) {
            spans.add(bestSpan(field, MAX_SPAN));
        }
        return spans;
    }

    /**
     * A field has at most one value, so decoding compares "every piece outside" with each span B I…I of at most
     * maxLength pieces (all other pieces outside) and keeps the likeliest; pieces are tagged independently, so a
     * span's log-likelihood gain is the sum over its pieces of log P(B or I) − log P(O).
     */
    static Optional<PieceSpan> bestSpan(double[][] logProbabilities, int maxLength) {
        PieceSpan best = null;
        for (int first = 0; first < logProbabilities.length; first++) {
            double gain = logProbabilities[first][BEGIN] - logProbabilities[first][OUTSIDE];
            for (int last = first; last < Math.min(logProbabilities.length, first + maxLength); last++) {
                if (last > first) {
                    gain += logProbabilities[last][INSIDE] - logProbabilities[last][OUTSIDE];
                }
                if (gain > 0 && (best == null || gain > best.margin())) {
                    best = new PieceSpan(first, last, gain);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static void logits(float[] x, float[] w, float[] b, int field, int dim, double[] z) {
        for (int k = 0; k < TAGS; k++) {
            int row = (field * TAGS + k) * dim;
            double sum = b[field * TAGS + k];
            for (int d = 0; d < dim; d++) {
                sum += w[row + d] * x[d];
            }
            z[k] = sum;
        }
    }

    private static double[] softmax(double[] z) {
        double max = Math.max(z[0], Math.max(z[1], z[2]));
        double[] p = new double[TAGS];
        double sum = 0;
        for (int k = 0; k < TAGS; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < TAGS; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static void standardisation(List<Example> examples, float[] mean, float[] scale) {
        int dim = mean.length;
        double[] sum = new double[dim];
        double[] sumSq = new double[dim];
        float[] x = new float[dim];
        long count = 0;
        for (Example example : examples) {
            for (int t = 0; t < example.features().size(); t++) {
                example.features().fill(t, x);
                for (int d = 0; d < dim; d++) {
                    sum[d] += x[d];
                    sumSq[d] += x[d] * x[d];
                }
                count++;
            }
        }
        for (int d = 0; d < dim; d++) {
            double m = count == 0 ? 0 : sum[d] / count;
            double variance = count == 0 ? 1 : Math.max(sumSq[d] / count - m * m, 0);
            mean[d] = (float) m;
            scale[d] = (float) (1.0 / Math.sqrt(variance + 1e-6));
        }
    }

    private static void standardise(float[] x, float[] mean, float[] scale) {
        for (int d = 0; d < x.length; d++) {
            x[d] = (x[d] - mean[d]) * scale[d];
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
