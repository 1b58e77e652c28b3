package org.hybridllm.lifecycle.dataset;

import java.util.Arrays;

/**
 * Groups near-duplicate texts so that a split can keep each group on one side: shingled MinHash with LSH banding,
 * candidate pairs confirmed by their estimated Jaccard similarity, union-find groups.
 *
 * <p>Why MinHash over character shingles rather than MiniLM cosine: the Jaccard similarity of 5-gram sets is a
 * plain, explainable measure that the signature estimates to within a few points; it is deterministic (no model,
 * no floating-point differences between machines); it costs a few microseconds per row and no GPU; and it
 * catches exactly the leakage the dataset showed, the same sentence with a few words added or removed, which
 * keeps most shingles of the shorter text. Paraphrases with other words are not caught; those are not leakage of
 * the kind that inflates a test score by memorisation.
 *
 * <p>Each text is normalised as {@link DatasetBuilder#normalisedHash} does (stripped, runs of whitespace as one
 * space, lower case), cut into overlapping 5-code-point shingles (a shorter text is one shingle), and summarised
 * by {@value #HASHES} MinHash values of which only the lowest 8 bits are kept (b-bit MinHash, Li and König 2010).
 * The signature is {@value #BANDS} bands of {@value #ROWS_PER_BAND} values, each band packed into one int: that
 * int is the band's LSH bucket key as it is and {@value #BANDS} ints (64 bytes) are all that is kept per row, plus
 * the 8-byte row id and, while grouping, a 4-byte parent and an 8-byte sort slot: about 84 bytes per row.
 *
 * <p>Two rows are a candidate pair when any band is equal, found by sorting the rows by each band's key (no
 * comparison of all pairs); a candidate is confirmed when the share of equal 8-bit values, corrected for the
 * 1-in-256 chance that two different minima agree in their low bits, is at least the threshold. With 16 bands of 4
 * a pair at Jaccard 0.7 is a candidate with probability 0.99, a pair at 0.3 with 0.12, and the estimate's
 * standard error at 0.7 is about 0.06. Groups are the transitive closure of confirmed pairs.
 */
final class NearDuplicates {

    static final double DEFAULT_THRESHOLD = 0.7;
    static final int SHINGLE = 5;
    static final int BANDS = 16;
    static final int ROWS_PER_BAND = 4;
    static final int HASHES = BANDS * ROWS_PER_BAND;
    /** In a bucket, each row is compared with at most this many rows before it: bounded work on templated text. */
    private static final int BUCKET_WINDOW = 8;
    private static final double CHANCE_AGREEMENT = 1.0 / 256;
    private static final long[] MULTIPLIERS = new long[HASHES];
    private static final long[] INCREMENTS = new long[HASHES];

    static {
        // fixed, odd multipliers: x * a + b is a bijection of the 64-bit values, one permutation per MinHash
        long state = 0x5DEECE66DL;
        for (int i = 0; i < HASHES; i++) {
            state = DatasetBuilder.mix(state, i);
            MULTIPLIERS[i] = state | 1;
            state = DatasetBuilder.mix(state, i);
            INCREMENTS[i] = state;
        }
    }

    /** Where the signatures are: band {@code band} (0 to {@value #BANDS} - 1) of row {@code row}. */
    @FunctionalInterface
    interface Signatures {
        int band(int row, int band);
    }

    /** What a split leaks: rows whose group spans more than one split, and test rows with a group mate in train. */
    record LeakageReport(int nearDuplicatesAcrossSplits, int groupsAcrossSplits, int testRows,
                         int testRowsWithTrainNeighbour, double testOverlapRate) {
    }

    private final double threshold;
    private long[] rowIds = new long[1024];
    private int[] bands = new int[1024 * BANDS];
    private int rows;
    private int[] groups; // per row the smallest row number of its group; null until grouped or after an add

    NearDuplicates() {
        this(DEFAULT_THRESHOLD);
    }

    NearDuplicates(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the Jaccard threshold must lie in (0, 1]");
        }
        this.threshold = threshold;
    }

    /** Adds a row and returns its row number (0, 1, 2, ... in the order added). */
    int add(long rowId, String text) {
        if (rows == rowIds.length) {
            rowIds = Arrays.copyOf(rowIds, rows * 2);
            bands = Arrays.copyOf(bands, rows * 2 * BANDS);
        }
        rowIds[rows] = rowId;
        signature(text, bands, rows * BANDS);
        groups = null;
        return rows++;
    }

    int size() {
        return rows;
    }

    /** The row's group, as the smallest row number in it; rows with no near-duplicate are their own group. */
    int groupOf(int row) {
        return groups()[row];
    }

    /**
     * A key for a split to hash instead of the row id, so that a group lands in one split: the row id of the
     * group's first row (for a row without near-duplicates, its own id).
     */
    long groupKey(int row) {
        return rowIds[groups()[row]];
    }

    /** The number of groups (rows without a near-duplicate count as a group each). */
    int groupCount() {
        int[] of = groups();
        int count = 0;
        for (int row = 0; row < rows; row++) {
            if (of[row] == row) {
                count++;
            }
        }
        return count;
    }

    /**
     * The leakage of a split, {@code splitOfRow[row]} being 0 (train), 1 (validation) or 2 (test) as in
     * {@link DatasetBuilder}. A test row counts as overlapping when its group holds a train row; since groups are
     * transitive, that train row may be a near-duplicate of a near-duplicate.
     */
    LeakageReport report(byte[] splitOfRow) {
        if (splitOfRow.length != rows) {
            throw new IllegalArgumentException("one split per row: " + rows + " rows, " + splitOfRow.length
                    + " splits");
        }
        int[] of = groups();
        byte[] splitsOfGroup = new byte[rows]; // bit s set when the group (at its first row) holds split s
        for (int row = 0; row < rows; row++) {
            splitsOfGroup[of[row]] |= (byte) (1 << splitOfRow[row]);
        }
        int across = 0;
        int groupsAcross = 0;
        int testRows = 0;
        int overlapping = 0;
        for (int row = 0; row < rows; row++) {
            byte held = splitsOfGroup[of[row]];
            boolean straddles = Integer.bitCount(held) > 1;
            if (straddles) {
                across++;
                if (of[row] == row) {
                    groupsAcross++;
                }
            }
            if (splitOfRow[row] == 2) {
                testRows++;
                if ((held & 1) != 0) {
                    overlapping++;
                }
            }
        }
        return new LeakageReport(across, groupsAcross, testRows, overlapping,
                testRows == 0 ? 0 : (double) overlapping / testRows);
    }

    /** The Jaccard similarity of two rows' shingle sets as their signatures estimate it. */
    double estimatedJaccard(int a, int b) {
        return estimatedJaccard(this::band, a, b);
    }

    private int band(int row, int band) {
        return bands[row * BANDS + band];
    }

    /** The rows' signatures, for a {@link LeakageAudit} of a split of these rows. */
    Signatures signatures() {
        return this::band;
    }

    /** As {@link #estimatedJaccard(int, int)}, of two rows of signatures kept elsewhere. */
    static double estimatedJaccard(Signatures signatures, int a, int b) {
        int equal = 0;
        for (int band = 0; band < BANDS; band++) {
            int x = signatures.band(a, band) ^ signatures.band(b, band);
            for (int shift = 0; shift < 32; shift += 8) {
                if (((x >>> shift) & 0xFF) == 0) {
                    equal++;
                }
            }
        }
        double agreement = (double) equal / HASHES;
        return Math.max(0, (agreement - CHANCE_AGREEMENT) / (1 - CHANCE_AGREEMENT));
    }

    private int[] groups() {
        if (groups == null) {
            groups = group(rows, this::band, threshold);
        }
        return groups;
    }

    /**
     * The groups of {@code rows} rows whose signatures are kept elsewhere (e.g. in a file, off the heap), as the
     * smallest row number of each row's group. Per band, sorts the rows by that band's key; rows with equal keys
     * are compared and, if similar, united. Needs 12 bytes per row of heap while it runs, 4 after.
     */
    static int[] group(int rows, Signatures signatures, double threshold) {
        int[] parent = new int[rows];
        for (int row = 0; row < rows; row++) {
            parent[row] = row;
        }
        long[] keyed = new long[rows];
        for (int band = 0; band < BANDS; band++) {
            for (int row = 0; row < rows; row++) {
                // the band key in the high half, the row number in the low: sorting groups a bucket, in row order
                keyed[row] = ((long) signatures.band(row, band) << 32) | row;
            }
            Arrays.sort(keyed);
            for (int start = 0; start < rows; ) {
                int end = start + 1;
                while (end < rows && (keyed[end] >>> 32) == (keyed[start] >>> 32)) {
                    end++;
                }
                for (int i = start + 1; i < end; i++) {
                    int row = (int) keyed[i];
                    for (int j = Math.max(start, i - BUCKET_WINDOW); j < i; j++) {
                        int other = (int) keyed[j];
                        if (find(parent, row) != find(parent, other)
                                && estimatedJaccard(signatures, row, other) >= threshold) {
                            union(parent, row, other);
                        }
                    }
                }
                start = end;
            }
        }
        for (int row = 0; row < rows; row++) {
            parent[row] = find(parent, row);
        }
        return parent;
    }

    private static int find(int[] parent, int row) {
        while (parent[row] != row) {
            parent[row] = parent[parent[row]]; // path halving
            row = parent[row];
        }
        return row;
    }

    /** Unites two groups under the smaller row number, so a group is named by its first row. */
    private static void union(int[] parent, int a, int b) {
        int rootA = find(parent, a);
        int rootB = find(parent, b);
        if (rootA < rootB) {
            parent[rootB] = rootA;
        } else {
            parent[rootA] = rootB;
        }
    }

    /** The {@value #HASHES} b-bit MinHash values of the text's shingles, packed four to an int. */
    static void signature(String text, int[] into, int offset) {
        long[] minima = new long[HASHES];
        Arrays.fill(minima, Long.MAX_VALUE);
        int[] normalised = normalisedCodePoints(text);
        int shingles = Math.max(1, normalised.length - SHINGLE + 1);
        for (int start = 0; start < shingles; start++) {
            long shingle = shingleHash(normalised, start, Math.min(normalised.length, start + SHINGLE));
            for (int i = 0; i < HASHES; i++) {
                long permuted = shingle * MULTIPLIERS[i] + INCREMENTS[i];
                if (permuted < minima[i]) {
                    minima[i] = permuted;
                }
            }
        }
        for (int band = 0; band < BANDS; band++) {
            int packed = 0;
            for (int k = 0; k < ROWS_PER_BAND; k++) {
                // low bits of a minimum from x * a + b are weak; take them after spreading the bits
                long spread = DatasetBuilder.mix(band * ROWS_PER_BAND + k, minima[band * ROWS_PER_BAND + k]);
                packed = (packed << 8) | (int) (spread & 0xFF);
            }
            into[offset + band] = packed;
        }
    }

    /** The set of the text's shingles as 64-bit hashes, sorted, distinct (for measuring the exact Jaccard). */
    static long[] shingleSet(String text) {
        int[] normalised = normalisedCodePoints(text);
        int shingles = Math.max(1, normalised.length - SHINGLE + 1);
        long[] set = new long[shingles];
        for (int start = 0; start < shingles; start++) {
            set[start] = shingleHash(normalised, start, Math.min(normalised.length, start + SHINGLE));
        }
        return Arrays.stream(set).sorted().distinct().toArray();
    }

    /** FNV-1a over the code points, then the MurmurHash3 finaliser, as {@link DatasetBuilder#normalisedHash}. */
    private static long shingleHash(int[] codePoints, int from, int to) {
        long hash = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            hash = (hash ^ codePoints[i]) * 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
        hash = (hash ^ (hash >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }

    /** The code points of the text stripped, with runs of whitespace as one space, in lower case. */
    static int[] normalisedCodePoints(String text) {
        int[] out = new int[text.length()];
        int length = 0;
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean whitespace = c < 0x80
                    ? c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)
                    : Character.isWhitespace(c);
            if (whitespace) {
                space = length > 0;
                continue;
            }
            if (space) {
                out[length++] = ' ';
                space = false;
            }
            out[length++] = c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) : Character.toLowerCase(c);
        }
        return Arrays.copyOf(out, length);
    }
}
