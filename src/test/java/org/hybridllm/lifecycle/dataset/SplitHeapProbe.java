package org.hybridllm.lifecycle.dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hybridllm.lifecycle.feedback.FeedbackRepository.IdealOutput;

/**
 * The dataset builder alone (no database) on the dataset benchmark's generated rows, in a JVM of the caller's
 * choosing (e.g. {@code -Xmx256m}): prints the build's time and its near-duplicate report; a build that does not
 * fit the heap ends with an OutOfMemoryError. Arguments: rows.
 */
public final class SplitHeapProbe {

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        List<String> labels = List.of("billing", "refund", "account_access", "shipping", "technical");
        DatasetBuilder builder = new DatasetBuilder(0.15, 0.15);
        Path spool = Files.createTempFile("probe-", ".spool");
        long started = System.nanoTime();
        long[] written = new long[1];
        try (DatasetBuilder.Build build = builder.start(labels, spool, text -> text.getBytes(StandardCharsets.UTF_8),
                DatasetBuilder.InputDecoder.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                int text = i % 50 == 7 ? i - 7 : i; // as DatasetBuildBenchmark generates them
                String input = "Ticket " + text + ": my order " + (text * 7919 % 100_003)
                        + (text % 100 == 3 ? " (reach me at user" + text + "@example.com)" : "")
                        + " has a problem, please help";
                build.add(new IdealOutput(i + 1, i + 1, input, labels.get(i % labels.size())));
            }
            DatasetBuilder.Split split = build.finish(20261124L, (name, id, input, output, rejected) -> written[0]++);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("%d rows: %d kept (%d train, %d validation, %d test) in %d ms, max heap %d MiB%n  %s%n",
                    rows, written[0], split.trainIds().length, split.validationIds().length, split.testIds().length,
                    millis, Runtime.getRuntime().maxMemory() / (1024 * 1024), split.nearDuplicates());
        }
    }

    private SplitHeapProbe() {
    }
}
