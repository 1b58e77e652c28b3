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
                        Map<String, Integer> labelDistribution) {

        public int total() {
            return trainIds.length + validationIds.length + testIds.length;
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

    private final PiiScrubber scrubber = new PiiScrubber();
    private final double validationShare;
    private final double testShare;

    public DatasetBuilder(double validationShare, double testShare) {
        if (validationShare < 0 || testShare <= 0 || validationShare + testShare >= 1) {
            throw new IllegalArgumentException("validation and test shares must leave room for training");
        }
        this.validationShare = validationShare;
        this.testShare = testShare;
    }

    /**
     * Starts a build whose scrubbed, encoded inputs are spooled to {@code spool} (deleted when the build is
     * closed); the encoder is called from the build's processing thread only.
     */
    public Build start(List<String> labels, Path spool, InputEncoder encoder) {
        return new Build(labels, OutputCheck.ANY, spool, encoder);
    }

    /**
     * Starts a build of free outputs (extraction, generation): no labels; outputs the check refuses are
     * excluded and counted; the split is by a stable hash.
     */
    public Build start(OutputCheck check, Path spool, InputEncoder encoder) {
        return new Build(List.of(), check, spool, encoder);
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
                input -> input.getBytes(StandardCharsets.UTF_8))) {
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
        private final DataOutputStream out;
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

        private Build(List<String> labels, OutputCheck check, Path spool, InputEncoder encoder) {
            if (labels.size() > 127) {
                throw new IllegalArgumentException("at most 127 labels");
            }
            this.labels = List.copyOf(labels);
            this.freeOutputs = labels.isEmpty();
            this.check = check;
            this.spool = spool;
            this.encoder = encoder;
            try {
                this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16));
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
            try {
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
            BitSet kept = latestOfEachText();
            textHashes = null; // done with; the split's sort needs the room
            byte[] splitOf = new byte[rows];
            Map<String, Integer> distribution = assignSplits(kept, seed, splitOf);
            int keptCount = kept.cardinality();
            long[][] ids = {new long[0], new long[0], new long[0]};
            int[] counts = new int[3];
            for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
                counts[splitOf[i]]++;
            }
            for (int s = 0; s < 3; s++) {
                ids[s] = new long[counts[s]];
            }
            int[] filled = new int[3];
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spool),
                    1 << 16))) {
                for (int i = 0; i < rows; i++) {
                    byte[] input = new byte[in.readInt()];
                    in.readFully(input);
                    String output = freeOutputs ? readText(in) : labels.get(labelOf[i]);
                    String rejected = readText(in);
                    if (!kept.get(i)) {
                        continue;
                    }
                    byte split = splitOf[i];
                    ids[split][filled[split]++] = feedbackIds[i];
                    writer.write(SPLITS[split], feedbackIds[i], input, output, rejected);
                }
            }
            int duplicates = candidates - unknown - invalid - keptCount;
            return new Split(ids[TRAIN], ids[VALIDATION], ids[TEST], candidates, duplicates, unknown, invalid, pii,
                    distribution);
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

        /**
         * Stratified split with a fixed seed: within each label, kept rows are ordered by a hash of (seed, feedback
         * id); the first round(n × test share) go to test, the next round(n × validation share) to validation.
         */
        private Map<String, Integer> assignSplits(BitSet kept, long seed, byte[] splitOf) {
            int n = kept.cardinality();
            long[] keys = new long[n];
            int[] order = new int[n];
            int k = 0;
            for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
                // label in the top byte, then the seeded shuffle position
                keys[k] = ((long) labelOf[i] << 56) | (mix(seed, feedbackIds[i]) >>> 8);
                order[k++] = i;
            }
            sortByKey(keys, order, 0, n - 1);
            Map<String, Integer> distribution = new TreeMap<>();
            for (int start = 0; start < n; ) {
                int label = (int) (keys[start] >>> 56);
                int end = start;
                while (end < n && (int) (keys[end] >>> 56) == label) {
                    end++;
                }
                int size = end - start;
                int testCount = (int) Math.round(size * testShare);
                int validationCount = (int) Math.round(size * validationShare);
                for (int j = start; j < end; j++) {
                    int position = j - start;
                    splitOf[order[j]] = position < testCount ? TEST
                            : position < testCount + validationCount ? VALIDATION : TRAIN;
                }
                if (!freeOutputs) {
                    distribution.put(labels.get(label), size);
                }
                start = end;
            }
            return distribution;
        }

        @Override
        public void close() throws IOException {
            if (processor != null) {
                processor.close();
            }
            out.close();
            Files.deleteIfExists(spool);
        }
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
