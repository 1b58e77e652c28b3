package org.hybridllm.lifecycle.dataset;

import java.util.Arrays;

/**
 * Groups near-duplicate texts so that a split can keep each group on one side: shingled MinHash with LSH banding,
 * candidate pairs confirmed by their estimated Jaccard similarity, union-find groups.
 *
 * <p>Why MinHash over character shingles rather than MiniLM cosine: the Jaccard similarity of 5-gram sets is a
 * plain, explainable measure that the signature estimates to within a few points; it is deterministic (no model,
 * no floating-point differences between machines); it costs well under a microsecond per row and no GPU; and it
 * catches exactly the leakage the dataset showed, the same sentence with a few words added or removed, which
 * keeps most shingles of the shorter text. Paraphrases with other words are not caught; those are not leakage of
 * the kind that inflates a test score by memorisation.
 *
 * <p>Each text is normalised as {@link DatasetBuilder#normalisedHash} does (stripped, runs of whitespace as one
 * space, lower case), cut into overlapping 5-code-point shingles (a shorter text is one shingle), and summarised
 * by {@value #HASHES} MinHash values with one hash per shingle: one-permutation hashing (Li, Owen and Zhang 2012)
 * puts each shingle's 64-bit hash into one of {@value #HASHES} bins by its top 6 bits and keeps each bin's
 * minimum; a bin no shingle fell into borrows the minimum of another bin, picked by a fixed random probe sequence
 * of the empty bin until it meets a filled one (optimal densification, Shrivastava 2017), so that for every bin the
 * chance that two texts agree is their Jaccard similarity, as with {@value #HASHES} independent permutations. Of
 * each value only 8 bits are kept (b-bit MinHash, Li and König 2010). The signature is {@value #BANDS} bands of
 * {@value #ROWS_PER_BAND} values, each band packed into one int: that int is the band's LSH bucket key as it is and
 * {@value #BANDS} ints (64 bytes) are all that is kept per row, plus the 8-byte row id and, while grouping, a 4-byte
 * parent and two 8-byte sort slots: about 92 bytes per row.
 *
 * <p>Two rows are a candidate pair when any band is equal, found by sorting the rows by each band's key (a radix
 * sort; no comparison of all pairs); a candidate is confirmed when the share of equal 8-bit values, corrected for
 * the 1-in-256 chance that two different minima agree in their 8 bits, is at least the threshold. With 16 bands
 * of 4 a pair at Jaccard 0.7 is a candidate with probability 0.99, a pair at 0.3 with 0.12, and the estimate's
 * standard error at 0.7 is about 0.06. Groups are the transitive closure of confirmed pairs.
 */
final class NearDuplicates {

    static final double DEFAULT_THRESHOLD = 0.7;
    static final int SHINGLE = 5;
    static final int BANDS = 16;
    static final int ROWS_PER_BAND = 4;
    static final int HASHES = BANDS * ROWS_PER_BAND;
    /** A signature as 64-bit words, two bands each (band 2w in the high half of word w). */
    static final int WORDS = BANDS / 2;
    /** In a bucket, each row is compared with at most this many rows before it: bounded work on templated text. */
    private static final int BUCKET_WINDOW = 8;
    private static final double CHANCE_AGREEMENT = 1.0 / 256;
    private static final int BIN_SHIFT = 64 - 6; // HASHES = 2^6 bins, by the top bits of a shingle's hash
    private static final long DENSIFY_SEED = 0x6F7068L;
    /** The first {@value #TABULATED_PROBES} bins each empty bin probes, so that most probes are a table look-up. */
    private static final int TABULATED_PROBES = 64;
    private static final byte[] PROBES = new byte[HASHES * TABULATED_PROBES];
    private static final long[] VALUE_MULTIPLIERS = new long[HASHES];
    private static final long LOW_7_BITS = 0x7F7F7F7F7F7F7F7FL;

    static {
        for (int bin = 0; bin < HASHES; bin++) {
            for (int attempt = 0; attempt < TABULATED_PROBES; attempt++) {
                PROBES[bin * TABULATED_PROBES + attempt] = (byte) probe(bin, attempt);
            }
            // fixed odd multipliers: the top 8 bits of minimum × multiplier are that bin's b-bit value
            VALUE_MULTIPLIERS[bin] = DatasetBuilder.mix(0x5DEECE66DL, bin) | 1;
        }
    }

    /** Where the signatures are: band {@code band} (0 to {@value #BANDS} - 1) of row {@code row}. */
    @FunctionalInterface
    interface Signatures {
        int band(int row, int band);

        /** Word {@code word} (0 to {@value #WORDS} - 1) of the row: band 2w in the high half, 2w + 1 in the low. */
        default long word(int row, int word) {
            return ((long) band(row, 2 * word) << 32) | (band(row, 2 * word + 1) & 0xFFFFFFFFL);
        }
    }

    /**
     * A thread's scratch for shingling and signing texts, so that a build allocates nothing per row; not for use
     * by two threads at once.
     */
    static final class Sketcher {

        private final int[] window = new int[SHINGLE];
        private final long[] minima = new long[HASHES];
        private long[] shingles = new long[256];

        /** Writes the text's {@value #BANDS}-int signature to {@code into} from {@code offset}. */
        void signature(String text, int[] into, int offset) {
            int count = shingleHashes(text);
            long[] hashes = shingles;
            long[] min = minima;
            long filled = 0; // bit b: bin b holds a shingle
            for (int i = 0; i < count; i++) {
                long hash = hashes[i];
                int bin = (int) (hash >>> BIN_SHIFT);
                // a bin's hashes share their top bits, so signed order within a bin is the hashes' order
                if ((filled & (1L << bin)) == 0 || hash < min[bin]) {
                    min[bin] = hash;
                    filled |= 1L << bin;
                }
            }
            for (int band = 0; band < BANDS; band++) {
                int packed = 0;
                for (int k = 0; k < ROWS_PER_BAND; k++) {
                    int bin = band * ROWS_PER_BAND + k;
                    long minimum = min[(filled & (1L << bin)) != 0 ? bin : borrowedBin(bin, filled)];
                    packed = (packed << 8) | (int) ((minimum * VALUE_MULTIPLIERS[bin]) >>> 56);
                }
                into[offset + band] = packed;
            }
        }

        /**
         * The 64-bit hashes of the text's shingles, in text order (repeats included), in {@link #shingles}; returns
         * their number. The text is normalised as it is read, a window of the last {@value #SHINGLE} code points.
         */
        int shingleHashes(String text) {
            int[] ring = window;
            int length = 0; // normalised code points so far
            int next = 0; // where in the ring the next code point goes
            int count = 0;
            boolean space = false;
            for (int i = 0; i < text.length(); ) {
                int c = text.charAt(i);
                boolean whitespace;
                if (c < 0x80) { // ASCII, nearly every character: no code point or Unicode table look-ups
                    i++;
                    whitespace = c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
                    if (c >= 'A' && c <= 'Z') {
                        c += 'a' - 'A';
                    }
                } else {
                    c = text.codePointAt(i);
                    i += Character.charCount(c);
                    whitespace = Character.isWhitespace(c);
                    c = Character.toLowerCase(c);
                }
                if (whitespace) {
                    space = length > 0;
                    continue;
                }
                if (space) {
                    space = false;
                    ring[next] = ' ';
                    next = next == SHINGLE - 1 ? 0 : next + 1;
                    if (++length >= SHINGLE) {
                        count = emit(count, shingleHash(ring, next, SHINGLE));
                    }
                }
                ring[next] = c;
                next = next == SHINGLE - 1 ? 0 : next + 1;
                if (++length >= SHINGLE) {
                    count = emit(count, shingleHash(ring, next, SHINGLE));
                }
            }
            if (length < SHINGLE) { // a short text is one shingle, from the ring's start
                count = emit(count, shingleHash(ring, 0, length));
            }
            return count;
        }

        private int emit(int count, long hash) {
            if (count == shingles.length) {
                shingles = Arrays.copyOf(shingles, count * 2);
            }
            shingles[count] = hash;
            return count + 1;
        }

        /** The set of the text's shingles as 64-bit hashes, sorted, distinct. */
        long[] shingleSet(String text) {
            int count = shingleHashes(text);
            long[] set = Arrays.copyOf(shingles, count);
            Arrays.sort(set);
            int distinct = 0;
            for (int i = 0; i < count; i++) {
                if (i == 0 || set[i] != set[i - 1]) {
                    set[distinct++] = set[i];
                }
            }
            return distinct == count ? set : Arrays.copyOf(set, distinct);
        }
    }

    /** What a split leaks: rows whose group spans more than one split, and test rows with a group mate in train. */
    record LeakageReport(int nearDuplicatesAcrossSplits, int groupsAcrossSplits, int testRows,
                         int testRowsWithTrainNeighbour, double testOverlapRate) {
    }

    private final double threshold;
    private final Sketcher sketcher = new Sketcher();
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
        sketcher.signature(text, bands, rows * BANDS);
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
        return estimatedJaccard(signatures(), a, b);
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
        for (int word = 0; word < WORDS; word++) {
            equal += equalValues(signatures.word(a, word), signatures.word(b, word));
        }
        return estimate(equal);
    }

    /** As {@link #estimatedJaccard(Signatures, int, int)}, of two signatures as {@value #WORDS} words each. */
    static double estimatedJaccard(long[] a, int fromA, long[] b, int fromB) {
        int equal = 0;
        for (int word = 0; word < WORDS; word++) {
            equal += equalValues(a[fromA + word], b[fromB + word]);
        }
        return estimate(equal);
    }

    /** The Jaccard similarity that {@code equal} agreeing values of {@value #HASHES} estimate. */
    private static double estimate(int equal) {
        double agreement = (double) equal / HASHES;
        return Math.max(0, (agreement - CHANCE_AGREEMENT) / (1 - CHANCE_AGREEMENT));
    }

    /** The number of equal 8-bit values of two words: the zero bytes of their XOR, found without a branch. */
    private static int equalValues(long a, long b) {
        long x = a ^ b;
        // a byte's top bit ends up set exactly when the byte is zero: adding 0x7F carries into it from any of the
        // low 7 bits, and OR-ing x brings the top bit itself
        long nonZero = ((x & LOW_7_BITS) + LOW_7_BITS) | x;
        return Long.bitCount(~(nonZero | LOW_7_BITS));
    }

    /** The fewest equal values of {@value #HASHES} whose estimate reaches the threshold ({@value #HASHES} + 1: none). */
    private static int equalValuesNeeded(double threshold) {
        int equal = 0;
        while (equal <= HASHES && estimate(equal) < threshold) {
            equal++;
        }
        return equal;
    }

    /**
     * Whether the estimate of two signatures (as words, at {@code a} and {@code b}) reaches the threshold, as
     * {@code estimatedJaccard(...) >= threshold}: stops once too many values have disagreed for the rest to make
     * up for them.
     */
    private static boolean similar(long[] words, int a, int b, int needed) {
        int allowedMisses = HASHES - needed;
        int misses = 0;
        for (int word = 0; word < WORDS; word++) {
            misses += 8 - equalValues(words[a + word], words[b + word]);
            if (misses > allowedMisses) {
                return false;
            }
        }
        return true;
    }

    private int[] groups() {
        if (groups == null) {
            groups = group(rows, signatures(), threshold);
        }
        return groups;
    }

    /**
     * The groups of {@code rows} rows whose signatures are kept elsewhere (e.g. in a file, off the heap), as the
     * smallest row number of each row's group. Per band, sorts the rows by that band's key; in each bucket (equal
     * keys), in row order, a row is compared with the {@value #BUCKET_WINDOW} rows before it and, if similar, united
     * with them. Needs 20 bytes per row of heap while it runs, 4 after.
     */
    static int[] group(int rows, Signatures signatures, double threshold) {
        int[] parent = new int[rows];
        for (int row = 0; row < rows; row++) {
            parent[row] = row;
        }
        long[] keyed = new long[rows];
        long[] scratch = new long[rows];
        BucketScan scan = new BucketScan(signatures, parent, equalValuesNeeded(threshold));
        for (int band = 0; band < BANDS; band++) {
            for (int row = 0; row < rows; row++) {
                // the band key in the high half, the row number in the low: sorting groups a bucket, in row order
                keyed[row] = ((long) signatures.band(row, band) << 32) | row;
            }
            long[] sorted = sortByHighHalf(keyed, scratch, rows);
            scratch = sorted == keyed ? scratch : keyed;
            keyed = sorted;
            scan.unite(keyed, rows);
        }
        for (int row = 0; row < rows; row++) {
            parent[row] = find(parent, row);
        }
        return parent;
    }

    /**
     * Walks a band's sorted entries and unites similar rows of a bucket. The rows of a bucket lie anywhere in the
     * signatures, so reading them one at a time would wait on memory at every row; instead the signatures and
     * parents of a chunk of entries are read first, in a loop whose reads do not wait on each other, and then
     * compared. A parent read early may be stale by the time it is used, but it is still on the path to the row's
     * present root, so finding from it gives the same root in a step or two. Rows alone in their bucket (most, on
     * varied text) are not read at all.
     */
    private static final class BucketScan {

        private static final int CHUNK = 1024;

        private final Signatures signatures;
        private final int[] parent;
        private final int needed;
        // slot s holds entry (chunk start - window + s): the window's last entries stay in front
        private final long[] words = new long[(BUCKET_WINDOW + CHUNK) * WORDS];
        private final int[] roots = new int[BUCKET_WINDOW + CHUNK];

        BucketScan(Signatures signatures, int[] parent, int needed) {
            this.signatures = signatures;
            this.parent = parent;
            this.needed = needed;
        }

        void unite(long[] keyed, int count) {
            int bucketStart = 0;
            for (int from = 0; from < count; from += CHUNK) {
                int to = Math.min(count, from + CHUNK);
                if (from > 0) {
                    System.arraycopy(words, CHUNK * WORDS, words, 0, BUCKET_WINDOW * WORDS);
                    System.arraycopy(roots, CHUNK, roots, 0, BUCKET_WINDOW);
                }
                for (int i = from; i < to; i++) {
                    if (sharesBucket(keyed, i, count)) {
                        int row = (int) keyed[i];
                        int slot = i - from + BUCKET_WINDOW;
                        for (int word = 0; word < WORDS; word++) {
                            words[slot * WORDS + word] = signatures.word(row, word);
                        }
                        roots[slot] = parent[row];
                    }
                }
                for (int i = from; i < to; i++) {
                    if (i == 0 || (keyed[i] >>> 32) != (keyed[i - 1] >>> 32)) {
                        bucketStart = i;
                    }
                    if (!sharesBucket(keyed, i, count)) {
                        continue;
                    }
                    int slot = i - from + BUCKET_WINDOW;
                    int root = find(parent, roots[slot]);
                    for (int j = Math.max(bucketStart, i - BUCKET_WINDOW); j < i; j++) {
                        int otherSlot = j - from + BUCKET_WINDOW;
                        int other = find(parent, roots[otherSlot]);
                        if (other != root && similar(words, slot * WORDS, otherSlot * WORDS, needed)) {
                            root = union(parent, root, other);
                        }
                    }
                    roots[slot] = root;
                }
            }
        }

        private static boolean sharesBucket(long[] keyed, int i, int count) {
            long key = keyed[i] >>> 32;
            return (i > 0 && (keyed[i - 1] >>> 32) == key) || (i + 1 < count && (keyed[i + 1] >>> 32) == key);
        }
    }

    /**
     * Sorts the first {@code count} entries by their high 32 bits, stably (a least-significant-digit radix sort of
     * three 11-bit digits): entries filled in row order keep it within a bucket. Returns the array that holds the
     * sorted entries, {@code entries} or {@code scratch}.
     */
    static long[] sortByHighHalf(long[] entries, long[] scratch, int count) {
        if (count < 2) {
            return entries;
        }
        int radix = 1 << 11;
        int[][] counts = new int[3][radix + 1];
        for (int i = 0; i < count; i++) {
            long entry = entries[i];
            counts[0][(int) ((entry >>> 32) & (radix - 1)) + 1]++;
            counts[1][(int) ((entry >>> 43) & (radix - 1)) + 1]++;
            counts[2][(int) (entry >>> 54) + 1]++;
        }
        long[] from = entries;
        long[] to = scratch;
        for (int digit = 0; digit < 3; digit++) {
            int[] next = counts[digit];
            int shift = 32 + 11 * digit;
            if (next[(int) ((from[0] >>> shift) & (radix - 1)) + 1] == count) {
                continue; // every entry has this digit: the pass would not move anything
            }
            for (int d = 0; d < radix; d++) {
                next[d + 1] += next[d];
            }
            for (int i = 0; i < count; i++) {
                long entry = from[i];
                to[next[(int) ((entry >>> shift) & (radix - 1))]++] = entry;
            }
            long[] swap = from;
            from = to;
            to = swap;
        }
        return from;
    }

    private static int find(int[] parent, int row) {
        while (parent[row] != row) {
            parent[row] = parent[parent[row]]; // path halving
            row = parent[row];
        }
        return row;
    }

    /** Unites two groups, given by their roots, under the smaller row number (a group is named by its first row). */
    private static int union(int[] parent, int rootA, int rootB) {
        if (rootA < rootB) {
            parent[rootB] = rootA;
            return rootA;
        }
        parent[rootA] = rootB;
        return rootB;
    }

    /** The {@value #HASHES} b-bit MinHash values of the text's shingles, packed four to an int. */
    static void signature(String text, int[] into, int offset) {
        new Sketcher().signature(text, into, offset);
    }

    /** The set of the text's shingles as 64-bit hashes, sorted, distinct (for measuring the exact Jaccard). */
    static long[] shingleSet(String text) {
        return new Sketcher().shingleSet(text);
    }

    /**
     * The bin an empty bin borrows its minimum from: the first filled one of its probe sequence (a fixed sequence
     * per bin, the same for every text, so two texts empty in a bin look in the same places). A text has at least
     * one shingle, hence one filled bin; past 1,024 probes (chance below 10^-7 even with one filled bin of 64) the
     * next filled bin after it is taken.
     */
    private static int borrowedBin(int bin, long filled) {
        for (int attempt = 0; attempt < TABULATED_PROBES; attempt++) {
            int from = PROBES[bin * TABULATED_PROBES + attempt];
            if ((filled & (1L << from)) != 0) {
                return from;
            }
        }
        for (int attempt = TABULATED_PROBES; attempt < 1024; attempt++) {
            int from = probe(bin, attempt);
            if ((filled & (1L << from)) != 0) {
                return from;
            }
        }
        long after = Long.rotateRight(filled, bin + 1); // bit 0: the bin after this one
        return (bin + 1 + Long.numberOfTrailingZeros(after)) & (HASHES - 1);
    }

    /** Probe {@code attempt} of an empty bin: a bin number from a hash of (bin, attempt). */
    private static int probe(int bin, int attempt) {
        return (int) (DatasetBuilder.mix(DENSIFY_SEED + bin, attempt) >>> BIN_SHIFT);
    }

    /**
     * FNV-1a over {@code length} code points of the ring from {@code from} (wrapping), then the MurmurHash3
     * finaliser, as {@link DatasetBuilder#normalisedHash}.
     */
    private static long shingleHash(int[] ring, int from, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0, at = from; i < length; i++, at = at == SHINGLE - 1 ? 0 : at + 1) {
            hash = (hash ^ ring[at]) * 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
        hash = (hash ^ (hash >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }
}
