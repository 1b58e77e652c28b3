package org.hybridllm.lifecycle.provider.command;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a trainer's stderr (a Python traceback ends there), read from the end of a possibly huge log. */
final class StderrTail {

    private static final int MAX_BYTES = 16 * 1024;

    private StderrTail() {
    }

    static List<String> lastLines(Path file, int lines) {
        try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, log.length() - MAX_BYTES);
            byte[] tail = new byte[(int) (log.length() - start)];
            log.seek(start);
            log.readFully(tail);
            List<String> all = Arrays.stream(new String(tail, StandardCharsets.UTF_8).split("\n"))
                    .map(String::stripTrailing)
                    .filter(line -> !line.isBlank())
                    .toList();
            if (start > 0 && !all.isEmpty()) {
                all = all.subList(1, all.size()); // the first one was cut
            }
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
