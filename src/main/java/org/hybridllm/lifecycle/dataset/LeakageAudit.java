package org.hybridllm.lifecycle.dataset;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * Measures how much a split leaks, independently of the grouping that made it: the grouping puts each group in one
 * split, so counting group mates across splits would say 0 by construction. Instead, test rows are checked against
 * the other splits with a second, higher-recall banding of the signatures ({@value #AUDIT_BANDS} bands of 3 values
 * instead of 16 of 4: a pair at Jaccard 0.7 is a candidate with probability 0.9998, at 0.6 with 0.994, against 0.99
 * and 0.87), no bucket window, and each candidate confirmed by the <em>exact</em> Jaccard of the two texts' shingle
 * sets, not by the estimate the grouping used.
 *
 * <p>Bounded work and memory: at most {@value #SAMPLE} test rows are checked (a seeded sample when the test split is
 * larger: the rate's standard error at 5 % is then 0.005); per test row at most {@value #EXAMINED_PER_TEST_ROW}
 * candidates are estimated, of which the {@value #CANDIDATES_PER_TEST_ROW} with the highest estimate (at least
 * {@value #PREFILTER}) are checked exactly. Texts are captured while the build's second pass reads them.
 */
final class LeakageAudit {

    static final int SAMPLE = 2000;
    static final int AUDIT_BANDS = 21;
    static final int CANDIDATES_PER_TEST_ROW = 8;
    static final int EXAMINED_PER_TEST_ROW = 4096;
    static final double PREFILTER = 0.5;
    private static final int SAMPLE_BITS = 11; // SAMPLE < 2^11
    private static final int FILTER_BITS = 1 << 20;
    private static final byte TRAIN = 0;
    private static final byte TEST = 2;

    /** What the audit found among the test rows it checked. */
    record Result(int testRowsChecked, int withTrainNeighbour, int withNeighbourInOtherSplit, int truncated) {

        double testOverlapRate() {
            return testRowsChecked == 0 ? 0 : (double) withTrainNeighbour / testRowsChecked;
        }
    }

    private final byte[] splitOf;
    private final double threshold;
    private final int[] sample;
    private final int[][] candidates;
    private final float[][] estimates;
    private final int[] examined;
    private final long[] sampleWords; // the sampled rows' signatures, one after the other
    private final BitSet needed;
    private final Map<Integer, String> texts = new HashMap<>();
    private int exhaustedSinceIndexed;

    /**
     * Finds the candidates of {@code rows} rows, {@code splitOf[row]} being 0 (train), 1 (validation) or 2 (test);
     * {@code sampleKey} orders the test rows for the sample (seeded).
     */
    LeakageAudit(int rows, NearDuplicates.Signatures signatures, byte[] splitOf, IntToLongFunction sampleKey,
                 double threshold) {
        this.splitOf = splitOf;
        this.threshold = threshold;
        this.sample = sample(rows, splitOf, sampleKey);
        int samples = sample.length;
        candidates = new int[samples][CANDIDATES_PER_TEST_ROW];
        estimates = new float[samples][CANDIDATES_PER_TEST_ROW];
        examined = new int[samples];
        for (int[] row : candidates) {
            Arrays.fill(row, -1);
        }
        sampleWords = new long[samples * NearDuplicates.WORDS];
        for (int s = 0; s < samples; s++) {
            read(signatures, sample[s], sampleWords, s * NearDuplicates.WORDS);
        }
        long[] words = new long[NearDuplicates.WORDS]; // the row's signature, read once for its 21 keys
        long[] index = index(null);
        BitSet filter = filter(index);
        for (int row = 0; row < rows; row++) {
            if (splitOf[row] == TEST) {
                continue;
            }
            read(signatures, row, words, 0);
            for (int band = 0; band < AUDIT_BANDS; band++) {
                long key = auditKey(words, 0, band);
                if (!filter.get(filterBit(key))) {
                    continue;
                }
                for (int at = lowerBound(index, key << SAMPLE_BITS); at < index.length
                        && (index[at] >>> SAMPLE_BITS) == key; at++) {
                    offer((int) (index[at] & ((1 << SAMPLE_BITS) - 1)), row, words);
                }
            }
            // on templated text most rows are candidates of many test rows: once a twentieth of the sample has
            // spent its budget, their entries go, so that a scan of a bucket only meets rows still looking
            if (exhaustedSinceIndexed > samples / 20 + 1) {
                index = index(index);
                filter = filter(index);
                exhaustedSinceIndexed = 0;
                if (index.length == 0) {
                    break;
                }
            }
        }
        needed = new BitSet(rows);
        for (int s = 0; s < samples; s++) {
            needed.set(sample[s]);
            for (int candidate : candidates[s]) {
                if (candidate >= 0) {
                    needed.set(candidate);
                }
            }
        }
    }

    /** Whether the build's second pass must hand over this row's text. */
    boolean needs(int row) {
        return needed.get(row);
    }

    void text(int row, String text) {
        texts.put(row, text);
    }

    /** The exact check of the candidates, once every needed text is in. */
    Result result() {
        int withTrain = 0;
        int withOther = 0;
        int truncated = 0;
        for (int s = 0; s < sample.length; s++) {
            long[] test = NearDuplicates.shingleSet(texts.get(sample[s]));
            boolean train = false;
            boolean other = false;
            for (int candidate : candidates[s]) {
                if (candidate >= 0 && exactJaccard(test, NearDuplicates.shingleSet(texts.get(candidate))) >= threshold) {
                    other = true;
                    train |= splitOf[candidate] == TRAIN;
                }
            }
            withTrain += train ? 1 : 0;
            withOther += other ? 1 : 0;
            truncated += examined[s] >= EXAMINED_PER_TEST_ROW ? 1 : 0;
        }
        return new Result(sample.length, withTrain, withOther, truncated);
    }

    private void offer(int s, int row, long[] words) {
        if (examined[s] >= EXAMINED_PER_TEST_ROW) {
            return;
        }
        int[] held = candidates[s];
        for (int candidate : held) {
            if (candidate == row) {
                return; // found by an earlier band
            }
        }
        if (++examined[s] == EXAMINED_PER_TEST_ROW) {
            exhaustedSinceIndexed++;
        }
        float estimate = (float) NearDuplicates.estimatedJaccard(sampleWords, s * NearDuplicates.WORDS, words, 0);
        if (estimate < PREFILTER) {
            return;
        }
        float[] scores = estimates[s];
        int weakest = -1;
        for (int k = 0; k < held.length; k++) {
            if (held[k] < 0) {
                weakest = k; // a free slot
                break;
            }
            if (weakest < 0 || scores[k] < scores[weakest]) {
                weakest = k;
            }
        }
        if (held[weakest] < 0 || estimate > scores[weakest]) {
            held[weakest] = row;
            scores[weakest] = estimate;
        }
    }

    /**
     * The sorted audit-band keys of the sampled test rows that have budget left, each with its sample number in the
     * low bits: those of all sampled rows at first, then those of {@code previous} still looking.
     */
    private long[] index(long[] previous) {
        if (previous == null) {
            long[] index = new long[sample.length * AUDIT_BANDS];
            for (int s = 0; s < sample.length; s++) {
                for (int band = 0; band < AUDIT_BANDS; band++) {
                    index[s * AUDIT_BANDS + band] =
                            (auditKey(sampleWords, s * NearDuplicates.WORDS, band) << SAMPLE_BITS) | s;
                }
            }
            Arrays.sort(index);
            return index;
        }
        return Arrays.stream(previous)
                .filter(entry -> examined[(int) (entry & ((1 << SAMPLE_BITS) - 1))] < EXAMINED_PER_TEST_ROW)
                .toArray(); // still sorted
    }

    private static BitSet filter(long[] index) {
        BitSet filter = new BitSet(FILTER_BITS);
        for (long entry : index) {
            filter.set(filterBit(entry >>> SAMPLE_BITS));
        }
        return filter;
    }

    /** All test rows, or the {@value #SAMPLE} first by the seeded key; in row order. */
    private static int[] sample(int rows, byte[] splitOf, IntToLongFunction sampleKey) {
        int[] test = new int[rows];
        int count = 0;
        for (int row = 0; row < rows; row++) {
            if (splitOf[row] == TEST) {
                test[count++] = row;
            }
        }
        test = Arrays.copyOf(test, count);
        if (count <= SAMPLE) {
            return test;
        }
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = sampleKey.applyAsLong(test[i]);
        }
        DatasetBuilder.sortByKey(keys, test, 0, count - 1);
        int[] sampled = Arrays.copyOf(test, SAMPLE);
        Arrays.sort(sampled);
        return sampled;
    }

    private static void read(NearDuplicates.Signatures signatures, int row, long[] into, int offset) {
        for (int word = 0; word < NearDuplicates.WORDS; word++) {
            into[offset + word] = signatures.word(row, word);
        }
    }

    /**
     * Audit band {@code band} of the signature at {@code words[from..]}: three consecutive 8-bit values of the 64
     * (value p is byte p mod 8, from the top, of word p / 8), with the band number above them.
     */
    private static long auditKey(long[] words, int from, int band) {
        int value = 0;
        for (int k = 0; k < 3; k++) {
            int at = band * 3 + k;
            value = (value << 8) | (int) ((words[from + (at >>> 3)] >>> (56 - 8 * (at & 7))) & 0xFF);
        }
        return ((long) band << 24) | value;
    }

    /** A Fibonacci hash of the key: 20 well-mixed bits for one multiplication. */
    private static int filterBit(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 44);
    }

    private static int lowerBound(long[] sorted, long value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The Jaccard similarity of two sorted, distinct shingle sets. */
    static double exactJaccard(long[] a, long[] b) {
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / (a.length + b.length - common);
    }
}
