package org.hybridllm.lifecycle.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.hybridllm.lifecycle.feedback.FeedbackRepository.IdealOutput;
import org.hybridllm.lifecycle.artifact.BackgroundConsumer;

/**
 * The dataset pipeline: scrub PII, de-duplicate (case- and whitespace-insensitive; the latest feedback wins),
 * drop examples with unknown labels (classification) or with ideal outputs that break the output contract (an
 * extraction schema), and split with a fixed seed: stratified by label for classification, by a stable hash of
 * (seed, feedback id) otherwise.
 *
 * <p>Built for feedback logs of millions of rows in a small heap: candidates are added one at a time (streamed
 * from the database) and processed in batches on a second thread, their scrubbed input is spooled to a file as
 * the caller's {@link InputEncoder} encodes it, and only primitive arrays are kept per row (feedback id, label, a
 * 64-bit hash of the normalised text: about 20 bytes). De-duplication and the split work on those arrays; a second
 * pass over the spool hands each kept example to the split it belongs to, in feedback order. Two different texts
 * with the same 64-bit hash would be taken for duplicates: at 4 M rows the chance is about 1 in 2 million.
 *
 * <p>Near-duplicates (an estimated Jaccard similarity of at least 0.7 between the 5-character shingle sets of two
 * scrubbed inputs, {@link NearDuplicates}) are grouped and each group is split as one: the seeded hash of the
 * group's key orders the groups, a group of a classification use case counts in the stratum of its majority label,
 * and a group large enough to crowd a split (more than a fifth of its stratum's test or validation quota, at least
 * 2 rows) goes to train. Each row's 64-byte MinHash signature is spooled to a file of its own and mapped from it
 * (page cache, not heap) for the grouping; the heap holds about 20 more bytes per row while grouping. After the
 * split, {@link LeakageAudit} measures what still leaks with a second banding and the exact Jaccard of the texts.
 */
public final class DatasetBuilder {

    /** A kept example: its ideal output, and the output a correction replaced (null if none). */
    public record Example(long feedbackId, String input, String output, String rejectedOutput) {

        public String label() {
            return output;
        }
    }

    /**
     * What a build produced; the examples themselves went to the {@link SplitWriter}. {@code invalidExcluded}
     * counts ideal outputs that break the output contract.
     */
    public record Split(long[] trainIds, long[] validationIds, long[] testIds, int candidates, int duplicatesRemoved,
                        int unknownLabelsDropped, int invalidExcluded, int piiItemsScrubbed,
                        Map<String, Integer> labelDistribution, long[] trainGroupKeys, long[] validationGroupKeys,
                        long[] testGroupKeys, NearDuplicateReport nearDuplicates) {

        public int total() {
            return trainIds.length + validationIds.length + testIds.length;
        }
    }

    /**
     * The near-duplicate groups of a build and the leakage measured after its split. {@code groups} and
     * {@code groupedRows} count groups of two or more rows; {@code largeGroupsToTrain} the groups too large for a
     * held-out split; the rest is {@link LeakageAudit}'s: of {@code testRowsChecked} test rows, those with a
     * verified near-duplicate in another split and in train.
     */
    public record NearDuplicateReport(double threshold, int groups, int groupedRows, int largeGroupsToTrain,
                                      int testRowsChecked, int testRowsWithNeighbourInOtherSplit,
                                      int testRowsWithTrainNeighbour) {

        public double testOverlapRate() {
            return testRowsChecked == 0 ? 0 : (double) testRowsWithTrainNeighbour / testRowsChecked;
        }

        /** As the dataset's API and the process variable {@code leakage} show it. */
        public DatasetLeakage leakage(double flagThreshold) {
            return DatasetLeakage.of(threshold, groups, groupedRows, testRowsWithNeighbourInOtherSplit,
                    testOverlapRate(), flagThreshold, testRowsChecked, largeGroupsToTrain);
        }
    }

    /**
     * How an example's scrubbed input is spooled and handed to the {@link SplitWriter} (e.g. already escaped for
     * the split file's format). Called for every candidate as it is added, on the build's processing thread, so
     * that the encoding overlaps with reading the candidates; the second pass then only copies bytes.
     */
    @FunctionalInterface
    public interface InputEncoder {
        byte[] encode(String input);
    }

    /**
     * Receives each kept example, its input as encoded, with its split ({@code train}, {@code validation},
     * {@code test}), its ideal output and the output a correction replaced (null if none).
     */
    @FunctionalInterface
    public interface SplitWriter {
        void write(String split, long feedbackId, byte[] encodedInput, String output, String rejectedOutput)
                throws IOException;
    }

    /** The text of an input as the {@link InputEncoder} encoded it (to measure leakage on the texts themselves). */
    @FunctionalInterface
    public interface InputDecoder {
        String decode(byte[] encoded);

        InputDecoder UTF_8 = encoded -> new String(encoded, StandardCharsets.UTF_8);
    }

    /** Whether an ideal output keeps the output contract (e.g. satisfies the extraction schema). */
    @FunctionalInterface
    public interface OutputCheck {
        boolean valid(String output);

        OutputCheck ANY = output -> !output.isBlank();
    }

    static final String[] SPLITS = {"train", "validation", "test"};
    private static final int BATCH = 1024;
    private static final byte TRAIN = 0;
    private static final byte VALIDATION = 1;
    private static final byte TEST = 2;
    private static final long AUDIT_SAMPLE_SALT = 0x6C65616B616765L; // the audit's sample is not the split's order

    private final PiiScrubber scrubber = new PiiScrubber();
    private final double validationShare;
    private final double testShare;
    private final double nearDuplicateThreshold;

    public DatasetBuilder(double validationShare, double testShare) {
        this(validationShare, testShare, NearDuplicates.DEFAULT_THRESHOLD);
    }

    /** @param nearDuplicateThreshold the estimated Jaccard similarity from which two inputs are near-duplicates */
    public DatasetBuilder(double validationShare, double testShare, double nearDuplicateThreshold) {
        if (validationShare < 0 || testShare <= 0 || validationShare + testShare >= 1) {
            throw new IllegalArgumentException("validation and test shares must leave room for training");
        }
        if (!(nearDuplicateThreshold > 0 && nearDuplicateThreshold <= 1)) {
            throw new IllegalArgumentException("the near-duplicate threshold must lie in (0, 1]");
        }
        this.validationShare = validationShare;
        this.testShare = testShare;
        this.nearDuplicateThreshold = nearDuplicateThreshold;
    }

    /**
     * Starts a build whose scrubbed, encoded inputs are spooled to {@code spool} (deleted when the build is
     * closed); the encoder is called from the build's processing thread only.
     */
    public Build start(List<String> labels, Path spool, InputEncoder encoder, InputDecoder decoder) {
        return new Build(labels, OutputCheck.ANY, spool, encoder, decoder);
    }

    /**
     * Starts a build of free outputs (extraction, generation): no labels; outputs the check refuses are
     * excluded and counted; the split is by a stable hash.
     */
    public Build start(OutputCheck check, Path spool, InputEncoder encoder, InputDecoder decoder) {
        return new Build(List.of(), check, spool, encoder, decoder);
    }

    /** A small build in memory (tests, small use cases): the examples of each split in lists. */
    public record InMemory(Split split, List<Example> train, List<Example> validation, List<Example> test) {
    }

    public InMemory build(List<IdealOutput> candidates, List<String> labels, long seed) {
        return build(candidates, labels, OutputCheck.ANY, seed);
    }

    /** As {@link #build(List, List, long)}; with no labels, the outputs are free and checked by {@code check}. */
    public InMemory build(List<IdealOutput> candidates, List<String> labels, OutputCheck check, long seed) {
        List<List<Example>> splits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (Build build = new Build(labels, check, Files.createTempFile("dataset-", ".spool"),
                input -> input.getBytes(StandardCharsets.UTF_8), InputDecoder.UTF_8)) {
            candidates.forEach(build::add);
            Split split = build.finish(seed, (name, feedbackId, input, output, rejected) -> splits
                    .get(Arrays.asList(SPLITS).indexOf(name))
                    .add(new Example(feedbackId, new String(input, StandardCharsets.UTF_8), output, rejected)));
            return new InMemory(split, splits.get(0), splits.get(1), splits.get(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One build: {@link #add} every candidate in feedback order, then {@link #finish} once. */
    public final class Build implements AutoCloseable {

        private final List<String> labels;
        private final boolean freeOutputs;
        private final OutputCheck check;
        private final Path spool;
        private final InputEncoder encoder;
        private final InputDecoder decoder;
        private final DataOutputStream out;
        private final Path signatureSpool;
        private final DataOutputStream signatureOut;
        // the processing thread's scratch: a signature as ints and as the bytes spooled, in one write a row
        private final NearDuplicates.Sketcher sketcher = new NearDuplicates.Sketcher();
        private final int[] signature = new int[NearDuplicates.BANDS];
        private final byte[] signatureBytes = new byte[NearDuplicates.BANDS * Integer.BYTES];
        private long[] feedbackIds = new long[1024];
        private long[] textHashes = new long[1024];
        private byte[] labelOf = new byte[1024];
        private int rows;
        private int candidates;
        private int unknown;
        private int invalid;
        private int pii;
        private IdealOutput[] pending = new IdealOutput[BATCH];
        private int pendingCount;
        private BackgroundConsumer<IdealOutput[]> processor;

        private Build(List<String> labels, OutputCheck check, Path spool, InputEncoder encoder,
                      InputDecoder decoder) {
            if (labels.size() > 127) {
                throw new IllegalArgumentException("at most 127 labels");
            }
            this.labels = List.copyOf(labels);
            this.freeOutputs = labels.isEmpty();
            this.check = check;
            this.spool = spool;
            this.encoder = encoder;
            this.decoder = decoder;
            this.signatureSpool = spool.resolveSibling(spool.getFileName() + ".minhash");
            try {
                this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16));
                this.signatureOut = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(signatureSpool), 1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Takes the next candidate. Scrubbing, hashing and spooling happen on a thread of their own, in batches
         * and in order, so that they overlap with reading the next rows from the database.
         */
        public void add(IdealOutput candidate) {
            pending[pendingCount++] = candidate;
            if (pendingCount == pending.length) {
                hand(pending);
                pending = new IdealOutput[BATCH];
                pendingCount = 0;
            }
        }

        private void hand(IdealOutput[] batch) {
            if (processor == null) {
                processor = new BackgroundConsumer<>("dataset-build", 16, this::processBatch);
            }
            try {
                if (!processor.hand(batch)) {
                    throw processingFailure();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building the dataset", e);
            }
        }

        private void processBatch(IdealOutput[] batch) {
            for (IdealOutput candidate : batch) {
                process(candidate);
            }
        }

        /** Hands over what is pending and waits until every candidate is processed. */
        private void drain() {
            if (pendingCount > 0) {
                hand(Arrays.copyOf(pending, pendingCount));
            }
            if (processor == null) {
                return; // nothing was added
            }
            try {
                if (!processor.finish()) {
                    throw processingFailure();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building the dataset", e);
            }
        }

        private RuntimeException processingFailure() {
            Throwable failed = processor.failure();
            if (failed instanceof RuntimeException e) {
                return e;
            } else if (failed instanceof Error e) {
                throw e;
            }
            return new IllegalStateException("the dataset build's processor stopped", failed);
        }

        private void process(IdealOutput candidate) {
            candidates++;
            int label = freeOutputs ? 0 : labels.indexOf(candidate.idealOutput());
            if (label < 0) {
                unknown++;
                return;
            }
            if (freeOutputs && !check.valid(candidate.idealOutput())) {
                invalid++;
                return;
            }
            PiiScrubber.Scrubbed scrubbed = scrubber.scrub(candidate.input());
            pii += scrubbed.items();
            if (rows == feedbackIds.length) {
                feedbackIds = Arrays.copyOf(feedbackIds, rows * 2);
                textHashes = Arrays.copyOf(textHashes, rows * 2);
                labelOf = Arrays.copyOf(labelOf, rows * 2);
            }
            feedbackIds[rows] = candidate.feedbackId();
            textHashes[rows] = normalisedHash(scrubbed.text());
            labelOf[rows] = (byte) label;
            rows++;
            byte[] input = encoder.encode(scrubbed.text().strip());
            sketcher.signature(scrubbed.text(), signature, 0);
            for (int band = 0, at = 0; band < signature.length; band++) {
                int value = signature[band];
                signatureBytes[at++] = (byte) (value >>> 24); // big-endian, as SignatureFile reads it
                signatureBytes[at++] = (byte) (value >>> 16);
                signatureBytes[at++] = (byte) (value >>> 8);
                signatureBytes[at++] = (byte) value;
            }
            try {
                signatureOut.write(signatureBytes);
                out.writeInt(input.length);
                out.write(input);
                if (freeOutputs) {
                    writeText(candidate.idealOutput());
                }
                writeText(candidate.rejectedOutput());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool the dataset to " + spool, e);
            }
        }

        /** A text on the spool: its UTF-8 length (-1 for null) and bytes. */
        private void writeText(String text) throws IOException {
            if (text == null) {
                out.writeInt(-1);
                return;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        private static String readText(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public Split finish(long seed, SplitWriter writer) throws IOException {
            drain();
            out.close();
            signatureOut.close();
            BitSet kept = latestOfEachText();
            textHashes = null; // done with; the split's sort needs the room
            int[] keptRows = kept.stream().toArray();
            int keptCount = keptRows.length;
            SignatureFile signatures = new SignatureFile(signatureSpool, rows, keptRows);
            int[] groupOf = NearDuplicates.group(keptCount, signatures, nearDuplicateThreshold);
            byte[] splitOf = new byte[keptCount]; // by kept row, as groupOf
            Grouping grouping = assignSplits(keptRows, groupOf, seed, splitOf);
            LeakageAudit audit = new LeakageAudit(keptCount, signatures, splitOf,
                    k -> mix(seed ^ AUDIT_SAMPLE_SALT, feedbackIds[keptRows[k]]), nearDuplicateThreshold);
            long[][] ids = new long[3][];
            long[][] groupKeys = new long[3][];
            int[] counts = new int[3];
            for (byte split : splitOf) {
                counts[split]++;
            }
            for (int s = 0; s < 3; s++) {
                ids[s] = new long[counts[s]];
                groupKeys[s] = new long[counts[s]];
            }
            int[] filled = new int[3];
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spool),
                    1 << 16))) {
                for (int i = 0, k = 0; i < rows; i++) {
                    byte[] input = new byte[in.readInt()];
                    in.readFully(input);
                    String output = freeOutputs ? readText(in) : labels.get(labelOf[i]);
                    String rejected = readText(in);
                    if (!kept.get(i)) {
                        continue;
                    }
                    byte split = splitOf[k];
                    groupKeys[split][filled[split]] = feedbackIds[keptRows[groupOf[k]]];
                    ids[split][filled[split]++] = feedbackIds[i];
                    writer.write(SPLITS[split], feedbackIds[i], input, output, rejected);
                    if (audit.needs(k)) {
                        audit.text(k, decoder.decode(input));
                    }
                    k++;
                }
            }
            LeakageAudit.Result measured = audit.result();
            int duplicates = candidates - unknown - invalid - keptCount;
            NearDuplicateReport report = new NearDuplicateReport(nearDuplicateThreshold, grouping.groups(),
                    grouping.groupedRows(), grouping.largeGroupsToTrain(), measured.testRowsChecked(),
                    measured.withNeighbourInOtherSplit(), measured.withTrainNeighbour());
            return new Split(ids[TRAIN], ids[VALIDATION], ids[TEST], candidates, duplicates, unknown, invalid, pii,
                    grouping.distribution(), groupKeys[TRAIN], groupKeys[VALIDATION], groupKeys[TEST], report);
        }

        /**
         * The rows that are the latest of their normalised text. A sorted copy of the hashes gives the few that
         * occur more than once; a pass from the latest row back keeps the first row seen of each of those.
         */
        private BitSet latestOfEachText() {
            long[] sorted = Arrays.copyOf(textHashes, rows);
            Arrays.sort(sorted);
            // each hash that occurs more than once, once (at the second of its occurrences)
            long[] repeated = IntStream.range(1, rows)
                    .filter(i -> sorted[i] == sorted[i - 1] && (i == 1 || sorted[i - 2] != sorted[i]))
                    .mapToLong(i -> sorted[i])
                    .toArray();
            int groups = repeated.length;
            BitSet seen = new BitSet(groups);
            BitSet kept = new BitSet(rows);
            for (int i = rows - 1; i >= 0; i--) {
                int group = groups == 0 ? -1 : Arrays.binarySearch(repeated, textHashes[i]);
                if (group < 0) {
                    kept.set(i);
                } else if (!seen.get(group)) {
                    seen.set(group);
                    kept.set(i); // the latest feedback on this text
                }
            }
            return kept;
        }

        /** What the split made of the near-duplicate groups, and the label distribution. */
        private record Grouping(Map<String, Integer> distribution, int groups, int groupedRows,
                                int largeGroupsToTrain) {
        }

        /**
         * Stratified split of near-duplicate groups with a fixed seed. The groups are ordered by a hash of (seed,
         * group key); each group belongs to the stratum of its majority label (the first label of a tie), and the
         * groups of a stratum fill its test quota, round(n × test share), then its validation quota, each group
         * whole and only where it fits; the rest, and groups larger than {@link #largestHeldOut}, go to train.
         * Without near-duplicates (every group one row) this is the plain stratified split: within each label the
         * first round(n × test share) rows by the seeded hash go to test, the next ones to validation.
         */
        private Grouping assignSplits(int[] keptRows, int[] groupOf, long seed, byte[] splitOf) {
            int n = keptRows.length;
            long[] keys = new long[n];
            int[] order = new int[n];
            for (int k = 0; k < n; k++) {
                keys[k] = mix(seed, feedbackIds[keptRows[groupOf[k]]]) >>> 8;
                order[k] = k;
            }
            sortByKey(keys, order, 0, n - 1); // a group's rows are adjacent, in row order
            int strata = freeOutputs ? 1 : labels.size();
            int[] stratumSize = new int[strata];
            int[] labelCount = new int[strata];
            int[] votes = new int[strata];
            int groups = 0;
            int groupedRows = 0;
            for (int start = 0; start < n; ) {
                int end = groupEnd(keys, start);
                stratumSize[majority(keptRows, order, start, end, votes)] += end - start;
                if (end - start > 1) {
                    groups++;
                    groupedRows += end - start;
                }
                for (int j = start; j < end; j++) {
                    labelCount[labelOf[keptRows[order[j]]]]++;
                }
                start = end;
            }
            int[] testQuota = new int[strata];
            int[] validationQuota = new int[strata];
            for (int label = 0; label < strata; label++) {
                testQuota[label] = (int) Math.round(stratumSize[label] * testShare);
                validationQuota[label] = (int) Math.round(stratumSize[label] * validationShare);
            }
            int[] inTest = new int[strata];
            int[] inValidation = new int[strata];
            int largeToTrain = 0;
            for (int start = 0; start < n; ) {
                int end = groupEnd(keys, start);
                int size = end - start;
                int label = majority(keptRows, order, start, end, votes);
                byte split = TRAIN;
                if (size <= largestHeldOut(testQuota[label]) && inTest[label] + size <= testQuota[label]) {
                    split = TEST;
                    inTest[label] += size;
                } else if (size <= largestHeldOut(validationQuota[label])
                        && inValidation[label] + size <= validationQuota[label]) {
                    split = VALIDATION;
                    inValidation[label] += size;
                } else if (size > largestHeldOut(testQuota[label])) {
                    largeToTrain++;
                }
                for (int j = start; j < end; j++) {
                    splitOf[order[j]] = split;
                }
                start = end;
            }
            Map<String, Integer> distribution = new TreeMap<>();
            if (!freeOutputs) {
                for (int label = 0; label < strata; label++) {
                    if (labelCount[label] > 0) {
                        distribution.put(labels.get(label), labelCount[label]);
                    }
                }
            }
            return new Grouping(distribution, groups, groupedRows, largeToTrain);
        }

        /** The majority label of the group at {@code order[start..end)}; {@code votes} is scratch. */
        private int majority(int[] keptRows, int[] order, int start, int end, int[] votes) {
            if (freeOutputs) {
                return 0;
            }
            if (end - start == 1) {
                return labelOf[keptRows[order[start]]];
            }
            int best = -1;
            for (int j = start; j < end; j++) {
                int label = labelOf[keptRows[order[j]]];
                votes[label]++;
            }
            for (int j = start; j < end; j++) {
                int label = labelOf[keptRows[order[j]]];
                if (best < 0 || votes[label] > votes[best] || (votes[label] == votes[best] && label < best)) {
                    best = label;
                }
            }
            for (int j = start; j < end; j++) {
                votes[labelOf[keptRows[order[j]]]] = 0;
            }
            return best;
        }

        @Override
        public void close() throws IOException {
            if (processor != null) {
                processor.close();
            }
            out.close();
            signatureOut.close();
            Files.deleteIfExists(spool);
            Files.deleteIfExists(signatureSpool);
        }
    }

    /** The end of the run of equal keys (one group) that starts at {@code start}. */
    private static int groupEnd(long[] keys, int start) {
        int end = start + 1;
        while (end < keys.length && keys[end] == keys[start]) {
            end++;
        }
        return end;
    }

    /**
     * The largest group a held-out split of this quota takes: a fifth of it, at least 2 rows, so that one family of
     * near-duplicate texts cannot make up the test split; larger groups train.
     */
    static int largestHeldOut(int quota) {
        return Math.max(2, quota / 5);
    }

    /**
     * The key duplicates are found by: a 64-bit hash of the text stripped, with runs of whitespace as one space
     * and in lower case, computed as it is read (no normalised copy of the text is built): FNV-1a over the code
     * points, then the MurmurHash3 finaliser to spread the bits.
     */
    static long normalisedHash(String text) {
        long hash = 0xcbf29ce484222325L;
        boolean space = false;
        boolean started = false;
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
                space = started;
                continue;
            }
            if (space) {
                hash = (hash ^ ' ') * 0x100000001b3L;
                space = false;
            }
            hash = (hash ^ c) * 0x100000001b3L;
            started = true;
        }
        hash = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
        hash = (hash ^ (hash >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }

    /** SplitMix64 of (seed, id): a well-spread, reproducible shuffle position. */
    static long mix(long seed, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + id;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Sorts {@code keys} (signed order) and moves {@code values} with them; equal keys end up ordered by value
     * (the values are distinct row numbers). Iterative on the larger side, so the stack stays shallow.
     */
    static void sortByKey(long[] keys, int[] values, int low, int high) {
        while (low < high) {
            if (high - low < 16) {
                for (int i = low + 1; i <= high; i++) {
                    for (int j = i; j > low && less(keys, values, j, j - 1); j--) {
                        swap(keys, values, j, j - 1);
                    }
                }
                return;
            }
            int middle = low + (high - low) / 2;
            // median of three as the pivot, moved to high
            if (less(keys, values, middle, low)) {
                swap(keys, values, middle, low);
            }
            if (less(keys, values, high, low)) {
                swap(keys, values, high, low);
            }
            if (less(keys, values, middle, high)) {
                swap(keys, values, middle, high);
            }
            int store = low;
            for (int i = low; i < high; i++) {
                if (less(keys, values, i, high)) {
                    swap(keys, values, i, store++);
                }
            }
            swap(keys, values, store, high);
            if (store - low < high - store) {
                sortByKey(keys, values, low, store - 1);
                low = store + 1;
            } else {
                sortByKey(keys, values, store + 1, high);
                high = store - 1;
            }
        }
    }

    private static boolean less(long[] keys, int[] values, int a, int b) {
        return keys[a] < keys[b] || (keys[a] == keys[b] && values[a] < values[b]);
    }

    private static void swap(long[] keys, int[] values, int a, int b) {
        long key = keys[a];
        keys[a] = keys[b];
        keys[b] = key;
        int value = values[a];
        values[a] = values[b];
        values[b] = value;
    }
}
