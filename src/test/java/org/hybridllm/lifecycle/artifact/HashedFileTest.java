package org.hybridllm.lifecycle.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashedFileTest {

    @Test
    void theHashTakenWhileWritingIsTheFilesHash(@TempDir Path directory) throws Exception {
        HashedFile file = HashedFile.create(directory, "split-", ".jsonl");
        byte[] line = "{\"messages\":[]}\n".getBytes();
        for (int i = 0; i < 10_000; i++) { // past the buffer's size, so the digest sees every flush
            file.write(line);
            file.write('#');
        }
        assertThatThrownBy(file::sha256).isInstanceOf(IllegalStateException.class);
        file.close();
        file.close();
        assertThat(file.sha256()).isEqualTo(Sha256.of(file.path()));
        assertThat(file.bytes()).isEqualTo(Files.size(file.path())).isEqualTo(10_000L * (line.length + 1));
    }
}
