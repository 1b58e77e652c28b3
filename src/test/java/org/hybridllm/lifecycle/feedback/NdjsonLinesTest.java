package org.hybridllm.lifecycle.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonLinesTest {

    /** Hands out at most {@code chunk} bytes a read, as a network body does, so that lines straddle reads. */
    private static InputStream trickling(String body, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static List<String> lines(InputStream in, int maxLineBytes) throws IOException {
        NdjsonLines lines = new NdjsonLines(in, maxLineBytes);
        List<String> read = new ArrayList<>();
        while (lines.next()) {
            read.add(lines.blank() ? "<blank>" : new String(lines.array(), lines.offset(), lines.length(),
                    StandardCharsets.UTF_8));
        }
        return read;
    }

    @Test
    void linesAreSplitOnNewlinesWhereverTheReadsEnd() throws IOException {
        String body = "{\"a\":1}\r\n\n  \n{\"b\":\"é ü 漢\"}\n{\"c\":3}";
        for (int chunk : new int[] {1, 2, 3, 7, 1 << 16}) {
            assertThat(lines(trickling(body, chunk), 1 << 20)).as("reads of " + chunk)
                    .containsExactly("{\"a\":1}", "<blank>", "<blank>", "{\"b\":\"é ü 漢\"}", "{\"c\":3}");
        }
        assertThat(lines(trickling("", 5), 100)).isEmpty();
        assertThat(lines(trickling("x\n", 5), 100)).containsExactly("x");
    }

    @Test
    void aLineLongerThanTheBufferGrowsItAndOneLongerThanTheLimitIsRefusedWithItsNumber() throws IOException {
        String big = "y".repeat(200_000);
        assertThat(lines(trickling("a\n" + big + "\nb", 4096), 1 << 20)).containsExactly("a", big, "b");
        assertThatThrownBy(() -> lines(trickling("a\nb\n" + "z".repeat(1001) + "\nc", 64), 1000))
                .isInstanceOfSatisfying(NdjsonLines.TooLong.class, tooLong ->
                        assertThat(tooLong.lineNumber).isEqualTo(3));
        assertThat(lines(trickling("z".repeat(1000) + "\n", 64), 1000)).containsExactly("z".repeat(1000));
    }
}
