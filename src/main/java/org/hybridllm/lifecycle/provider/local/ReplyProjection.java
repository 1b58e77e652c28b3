package org.hybridllm.lifecycle.provider.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The tuned reply selector: a dim × dim projection applied to the input's MiniLM embedding, and the candidate
 * replies it selects among (compared by cosine with their raw MiniLM embeddings). Trained with
 * {@link ContrastiveLoss} by Adam on mini-batches, keeping the epoch with the best validation recall@1 (ties: the
 * lower validation loss) and stopping once that has not improved for {@code patience} epochs. The projection
 * starts at the identity, so epoch 0 is the untuned model: raw MiniLM cosine similarity.
 * <p>
 * One tower, on the input side only: a use case has a few dozen distinct replies, so a reply-side matrix would be
 * fitted to a few dozen points, while the tickets vary; it would also double the weights and the training time.
 */
record ReplyProjection(String model, List<String> candidates, float[][] projection) {

    /** Training settings; the defaults suit several hundred pairs for a few dozen distinct replies. */
    record Hyperparameters(int epochs, int batchSize, double learningRate, double temperature, double l2,
                           int patience) {
        Hyperparameters {
            if (epochs < 0 || batchSize < 1 || !(learningRate > 0) || !(temperature > 0) || !(l2 >= 0)
                    || patience < 1) {
                throw new IllegalArgumentException(String.format("invalid hyperparameters: epochs %d, batchSize %d,"
                        + " learningRate %s, temperature %s, l2 %s, patience %d", epochs, batchSize, learningRate,
                        temperature, l2, patience));
            }
        }

        static Hyperparameters defaults() {
            return new Hyperparameters(60, 64, 1e-3, 0.05, 1e-3, 8);
        }
    }

    /**
     * Pairs as vectors: inputs.get(i)'s own reply is candidate targets[i], or -1 where that reply is not among
     * the candidates (it then counts as a miss in recall and is left out of the loss).
     */
    record Pairs(List<float[]> inputs, int[] targets) {
        int size() {
            return inputs.size();
        }
    }

    record Trained(ReplyProjection model, List<SoftmaxHead.EpochLoss> curve, int bestEpoch,
                   double untunedValidationRecall, double tunedValidationRecall) {
    }

    /** The index of the candidate whose vector is closest to the projected input. */
    static int select(float[][] projection, List<float[]> candidateVectors, float[] input) {
        double[] u = new double[projection.length];
        ContrastiveLoss.multiply(projection, input, u);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < candidateVectors.size(); k++) {
            double score = ContrastiveLoss.dot(u, candidateVectors.get(k));
            if (score > bestScore) {
                bestScore = score;
                best = k;
            }
        }
        return best;
    }

    static double recallAt1(float[][] projection, List<float[]> candidateVectors, Pairs pairs) {
        if (pairs.size() == 0) {
            return Double.NaN;
        }
        int hits = 0;
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.targets()[i] >= 0
                    && select(projection, candidateVectors, pairs.inputs().get(i)) == pairs.targets()[i]) {
                hits++;
            }
        }
        return (double) hits / pairs.size();
    }

    static Trained train(String model, List<String> candidates, List<float[]> candidateVectors, Pairs train,
                         Pairs validation, Hyperparameters hp, long seed) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training pairs");
        }
        int dim = candidateVectors.get(0).length;
        float[][] w = identity(dim);
        // without a validation pair whose reply is a candidate, early stopping watches the training pairs
        Pairs monitored = Arrays.stream(validation.targets()).anyMatch(target -> target >= 0) ? validation : train;
        ContrastiveLoss.Batch trainAll = againstAllCandidates(train, candidateVectors);
        ContrastiveLoss.Batch monitoredAll = againstAllCandidates(monitored, candidateVectors);
        double untunedRecall = recallAt1(w, candidateVectors, monitored);

        AdamOptimizer adam = new AdamOptimizer(dim * dim, hp.learningRate());
        double[] gradient = new double[dim * dim];
        Random random = new Random(seed);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        List<SoftmaxHead.EpochLoss> curve = new ArrayList<>();
        curve.add(new SoftmaxHead.EpochLoss(0, ContrastiveLoss.infoNce(w, trainAll, hp.temperature()),
                ContrastiveLoss.infoNce(w, monitoredAll, hp.temperature())));
        float[][] best = copy(w);
        double bestRecall = untunedRecall;
        double bestLoss = curve.getFirst().validationLoss();
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= hp.epochs(); epoch++) {
            shuffle(order, random);
            for (int from = 0; from < order.length; from += hp.batchSize()) {
                ContrastiveLoss.Batch batch = inBatch(train, candidateVectors, order, from,
                        Math.min(from + hp.batchSize(), order.length));
                if (batch.replies().size() < 2) {
                    continue; // one distinct reply: nothing to contrast it with
                }
                ContrastiveLoss.lossAndGradient(w, batch, hp.temperature(), hp.l2(), gradient);
                adam.step(gradient, w);
            }
            double trainLoss = ContrastiveLoss.infoNce(w, trainAll, hp.temperature());
            double validationLoss = ContrastiveLoss.infoNce(w, monitoredAll, hp.temperature());
            double recall = recallAt1(w, candidateVectors, monitored);
            curve.add(new SoftmaxHead.EpochLoss(epoch, trainLoss, validationLoss));
            if (recall > bestRecall || (recall == bestRecall && validationLoss < bestLoss - 1e-6)) {
                bestRecall = recall;
                bestLoss = validationLoss;
                bestEpoch = epoch;
                best = copy(w);
            } else if (epoch - bestEpoch >= hp.patience()) {
                break; // early stopping: validation recall@1 and loss stopped improving
            }
        }
        return new Trained(new ReplyProjection(model, List.copyOf(candidates), best), curve, bestEpoch,
                untunedRecall, bestRecall);
    }

    /** A mini-batch against its own distinct replies (in-batch negatives). */
    static ContrastiveLoss.Batch inBatch(Pairs pairs, List<float[]> candidateVectors, int[] order,
                                                 int from, int to) {
        List<float[]> inputs = new ArrayList<>();
        List<float[]> replies = new ArrayList<>();
        Map<Integer, Integer> positionOfCandidate = new LinkedHashMap<>();
        int[] positives = new int[to - from];
        int n = 0;
        for (int k = from; k < to; k++) {
            int target = pairs.targets()[order[k]];
            if (target < 0) {
                continue;
            }
            Integer position = positionOfCandidate.get(target);
            if (position == null) {
                position = replies.size();
                positionOfCandidate.put(target, position);
                replies.add(candidateVectors.get(target));
            }
            inputs.add(pairs.inputs().get(order[k]));
            positives[n++] = position;
        }
        return new ContrastiveLoss.Batch(inputs, replies, Arrays.copyOf(positives, n));
    }

    /** All pairs against every candidate: the loss of the selection task itself, for the loss curve. */
    private static ContrastiveLoss.Batch againstAllCandidates(Pairs pairs, List<float[]> candidateVectors) {
        List<float[]> inputs = new ArrayList<>();
        List<Integer> positives = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.targets()[i] >= 0) {
                inputs.add(pairs.inputs().get(i));
                positives.add(pairs.targets()[i]);
            }
        }
        return new ContrastiveLoss.Batch(inputs, candidateVectors,
                positives.stream().mapToInt(Integer::intValue).toArray());
    }

    static float[][] identity(int dim) {
        float[][] w = new float[dim][dim];
        for (int d = 0; d < dim; d++) {
            w[d][d] = 1;
        }
        return w;
    }

    private static float[][] copy(float[][] w) {
        float[][] out = new float[w.length][];
        for (int k = 0; k < w.length; k++) {
            out[k] = w[k].clone();
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
}
