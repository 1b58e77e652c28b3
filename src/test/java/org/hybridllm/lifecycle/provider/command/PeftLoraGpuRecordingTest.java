package org.hybridllm.lifecycle.provider.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.hybridllm.lifecycle.TestDatabase;
import org.hybridllm.lifecycle.artifact.Artifact;
import org.hybridllm.lifecycle.artifact.ArtifactProperties;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.provider.FineTuneEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The real stdout of docs/fine-tuners/peft_lora.py on an H200 (docs/fine-tuners/README.md: SFT then DPO on the
 * support-reply sample, a 2.8 B-parameter Llama initialised from a config) read by the app's progress-line parser,
 * and an adapter directory of that run's shape stored by the artifact store: the command fine-tuner's contract on
 * real torch output.
 */
class PeftLoraGpuRecordingTest {

    private static final Path RECORDINGS = Path.of("src/test/resources/fine-tuners");
    private final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();

    @TempDir
    Path work;

    record Curves(List<double[]> loss, List<double[]> evalLoss, List<FineTuneEvent> events) {
    }

    @Test
    void sftLossCurvesAreReadFromTheRecordedGpuOutput() throws Exception {
        Curves sft = read("peft-sft-gpu.stdout");

        // loggingSteps 5 over 184 steps (36 lines, and the last step), evalSteps 10 (18, and the last step)
        assertThat(sft.loss()).hasSize(37);
        assertThat(sft.evalLoss()).hasSize(19);
        assertThat(sft.loss().getFirst()).containsExactly(5, 8.093);
        assertThat(sft.loss().getLast()).containsExactly(184, 0.0063);
        // a randomly initialised model starts near the uniform cross-entropy ln(vocabulary), 2494 tokens here
        assertThat(sft.loss().getFirst()[1]).isCloseTo(Math.log(2494), within(0.5));
        assertThat(sft.evalLoss().getFirst()).containsExactly(10, 5.8881);
        assertThat(sft.evalLoss().getLast()).containsExactly(184, 0.0419);
        assertThat(minimum(sft.evalLoss())).containsExactly(180, 0.0419);
        assertThat(sft.evalLoss().stream().map(point -> point[1]).toList())
                .as("the validation loss never rises").isSortedAccordingTo(
                        (a, b) -> Double.compare(b, a));

        FineTuneEvent last = sft.events().getLast();
        assertThat(last.step()).isNull();
        assertThat(last.trainLoss()).isNull();
        assertThat(last.message()).isEqualTo("adapter written to /tmp/peft-verify/sft-adapter (best evaluation: step 180)");
        assertThat(last.data()).containsEntry("files", List.of("README.md", "adapter_config.json",
                "adapter_model.safetensors")).containsEntry("best_step", 180).containsEntry("train_seconds", 101.3);
        assertThat(sft.events()).allSatisfy(event -> assertThat(event.level()).isEqualTo("INFO"));
        FineTuneEvent logged = sft.events().stream().filter(e -> Integer.valueOf(100).equals(e.step())
                && e.trainLoss() != null).findFirst().orElseThrow();
        assertThat(logged.data()).containsKeys("learning_rate", "grad_norm", "tokens_per_second",
                "gpu_memory_allocated_gib");
    }

    @Test
    void dpoStartsAtLnTwoBecauseThePolicyIsItsReferenceAndThenFalls() throws Exception {
        Curves dpo = read("peft-dpo-gpu.stdout");

        assertThat(dpo.loss()).hasSize(13);
        assertThat(dpo.evalLoss()).hasSize(7);
        // LoRA's B matrices start at zero, so policy == reference and -log sigmoid(0) = ln 2 (Rafailov et al.)
        assertThat(dpo.loss().getFirst()[1]).isCloseTo(Math.log(2), within(0.01));
        assertThat(dpo.loss().getLast()).containsExactly(63, 0.0141);
        assertThat(dpo.evalLoss().getFirst()).containsExactly(10, 0.6389);
        assertThat(minimum(dpo.evalLoss())).containsExactly(60, 0.1799);
        FineTuneEvent firstEval = dpo.events().stream().filter(e -> e.evalLoss() != null).findFirst().orElseThrow();
        assertThat(firstEval.data()).containsEntry("eval_reward_accuracy", 0.7111);
        assertThat(dpo.events().getLast().message()).contains("best evaluation: step 60");
    }

    @Test
    void anAdapterDirectoryOfTheRecordedShapeIsStoredWithItsManifest() throws Exception {
        Path adapter = Files.createDirectories(work.resolve("sft-adapter"));
        Files.copy(RECORDINGS.resolve("peft-sft-gpu.adapter_config.json"), adapter.resolve("adapter_config.json"));
        // the real weights are 97 MB: a file of the same name stands in for them
        Files.write(adapter.resolve("adapter_model.safetensors"), new byte[4096]);
        Files.writeString(adapter.resolve("README.md"), "---\nbase_model: /tmp/peft-verify/base\nlibrary_name: peft\n");

        TestDatabase.Connection db = TestDatabase.get();
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).schemas("lifecycle").createSchemas(true)
                .locations("filesystem:db/migration").load().migrate();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        JdbcClient jdbc = JdbcClient.create(dataSource);
        ArtifactStore store = new ArtifactStore(new ArtifactProperties(work.resolve("artifacts")), jdbc, json);
        UUID runId = run(jdbc); // with a run: the unique (kind, sha256, run_id) that makes a retry idempotent

        Artifact split = store.store(runId, "DATASET_SPLIT", "train.jsonl", "application/jsonl",
                Files.readAllBytes(RECORDINGS.resolve("peft-sft-gpu.stdout")), Map.of(), List.of());
        Artifact weights = store.storeDirectory(runId, "MODEL_WEIGHTS", adapter, Map.of("trainer", "peft_lora.py"),
                List.of(split.id()));

        String expectedManifest = "[" + String.join(",",
                entry(adapter, "README.md"), entry(adapter, "adapter_config.json"),
                entry(adapter, "adapter_model.safetensors")) + "]";
        assertThat(weights.sha256()).isEqualTo(sha256(expectedManifest.getBytes(StandardCharsets.UTF_8)));
        assertThat(weights.mediaType()).isEqualTo(ArtifactStore.DIRECTORY_MEDIA_TYPE);
        assertThat(weights.bytes()).isEqualTo(1177 + 4096 + Files.size(adapter.resolve("README.md")));
        Path copy = Path.of(URI.create(weights.uri()));
        assertThat(copy).isEqualTo(work.resolve("artifacts").resolve("sha256").resolve(weights.sha256())
                .resolve("sft-adapter").toAbsolutePath());
        assertThat(copy.resolve("adapter_config.json")).hasSameBinaryContentAs(adapter.resolve("adapter_config.json"));
        assertThat(store.parentsOf(weights.id())).containsExactly(split.id());

        JsonNode metadata = json.readTree(jdbc.sql("select metadata::text from artifact where id = ?")
                .param(weights.id()).query(String.class).single());
        assertThat(metadata.path("trainer").asText()).isEqualTo("peft_lora.py");
        assertThat(json.writeValueAsString(metadata.path("files"))).isEqualTo(expectedManifest);
        JsonNode config = json.readTree(copy.resolve("adapter_config.json").toFile());
        assertThat(config.path("peft_type").asText()).isEqualTo("LORA");
        assertThat(config.path("r").asInt()).isEqualTo(16);
        assertThat(config.path("lora_alpha").isInt()).as("an integer alpha, as vLLM reads it").isTrue();

        Artifact again = store.storeDirectory(runId, "MODEL_WEIGHTS", adapter, Map.of("trainer", "peft_lora.py"),
                List.of(split.id()));
        assertThat(again.id()).as("the same content registered twice is one artifact").isEqualTo(weights.id());
    }

    private static UUID run(JdbcClient jdbc) {
        String key = "peft-recording-" + UUID.randomUUID();
        long useCase = jdbc.sql("""
                        insert into use_case (key, name, task, target_accuracy, min_labelled_examples, base_model)
                        values (?, 'Support reply', 'GENERATION', 0.9, 200, '/tmp/peft-verify/base') returning id""")
                .param(key).query(Long.class).single();
        UUID runId = UUID.randomUUID();
        jdbc.sql("insert into lifecycle_run (id, use_case_id, status, started_by) values (?, ?, 'RUNNING', 'test')")
                .params(runId, useCase).update();
        return runId;
    }

    private Curves read(String recording) throws Exception {
        Path stdout = work.resolve(recording);
        Files.copy(RECORDINGS.resolve(recording), stdout);
        List<FineTuneEvent> events = new ArrayList<>();
        int lines = 0;
        try (ProgressLines progress = new ProgressLines(stdout, json)) {
            for (Optional<ProgressLines.Line> line = progress.peek(); line.isPresent(); line = progress.peek()) {
                lines++;
                line.get().event().ifPresent(events::add);
                progress.advance();
            }
        }
        assertThat(events).as("every line the trainer prints is a progress line").hasSize(lines);
        // the curves as CheckFineTuneStatusWorker builds them: (step, loss) of the events that have both
        List<double[]> loss = new ArrayList<>();
        List<double[]> evalLoss = new ArrayList<>();
        for (FineTuneEvent event : events) {
            if (event.step() != null && event.trainLoss() != null) {
                loss.add(new double[] {event.step(), event.trainLoss()});
            }
            if (event.step() != null && event.evalLoss() != null) {
                evalLoss.add(new double[] {event.step(), event.evalLoss()});
            }
        }
        return new Curves(loss, evalLoss, events);
    }

    private static double[] minimum(List<double[]> curve) {
        return curve.stream().min((a, b) -> Double.compare(a[1], b[1])).orElseThrow();
    }

    private static String entry(Path directory, String name) throws Exception {
        byte[] content = Files.readAllBytes(directory.resolve(name));
        return "{\"path\":\"" + name + "\",\"bytes\":" + content.length + ",\"sha256\":\"" + sha256(content) + "\"}";
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
