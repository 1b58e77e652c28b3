package org.hybridllm.lifecycle.provider.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.hybridllm.lifecycle.provider.FineTuneEvent;
import org.hybridllm.lifecycle.provider.FineTuneEventSink;
import org.hybridllm.lifecycle.provider.FineTuneRequest;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.TrainingCost;
import org.hybridllm.lifecycle.provider.FineTuneStatus.State;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;

/** The command fine-tuner running a real child process: {@code src/test/resources/trainers/test-trainer.sh}. */
class CommandFineTunerTest {

    private final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
    private final RecordingSink events = new RecordingSink();

    @TempDir
    Path work;
    private Path trainFile;

    @BeforeEach
    void dataset() throws Exception {
        trainFile = Files.writeString(work.resolve("train.jsonl"), """
                {"messages":[{"role":"system","content":"Route."},{"role":"user","content":"refund"},\
                {"role":"assistant","content":"billing"}]}
                """);
    }

    /** $3.60 an hour: a thousandth of a dollar a second. */
    static final BigDecimal GPU_HOUR_USD = new BigDecimal("3.60");

    @Test
    void progressIsRecordedWhileTheTrainerRunsAndItsAdapterIsTheResult() throws Exception {
        CommandFineTuner tuner = tuner("succeed", Duration.ofMinutes(5));
        String jobDir = tuner.submit(request("job-ok"));

        await(() -> events.has(jobDir, "line-2"));
        assertThat(tuner.status(jobDir).state()).as("still waiting for the go file").isEqualTo(State.RUNNING);
        assertThat(events.of(jobDir)).as("recorded as it came, not at the end").hasSize(1);
        assertThat(events.of(jobDir).get("line-2").trainLoss()).isEqualTo(2.5);

        Files.createFile(Path.of(jobDir, "go"));
        FineTuneStatus status = awaitFinished(tuner, jobDir);

        assertThat(status.state()).isEqualTo(State.SUCCEEDED);
        assertThat(status.servedModel()).isEqualTo("job-ok");
        // it ran from its start until the go file was created and it exited: its wall time at the GPU-hour rate
        TrainingCost cost = status.trainingCost();
        assertThat(cost.seconds()).isPositive();
        assertThat(cost.usd().doubleValue()).isCloseTo(cost.seconds() * 0.001, within(1e-9));
        assertThat(cost.basis()).endsWith("wall time × $3.60 per GPU-hour of fine-tuner lora");
        Path adapter = Path.of(URI.create(status.modelRef()));
        assertThat(adapter).isEqualTo(Path.of(jobDir, "adapter"));
        assertThat(adapter.resolve("adapter_config.json")).content().contains("\"base_model_name_or_path\": \"tiny-base\"");
        FineTuneEvent last = events.of(jobDir).get("line-4");
        assertThat(last.step()).isEqualTo(3);
        assertThat(last.trainLoss()).isEqualTo(0.5);
        assertThat(last.evalLoss()).isEqualTo(0.75);
        assertThat(last.message()).isEqualTo("epoch 1 done");
        assertThat(last.data()).containsEntry("epoch", 1.0);
        assertThat(events.of(jobDir)).as("the progress bar line is not an event").doesNotContainKey("line-1");
        assertThat(Path.of(jobDir, "arguments")).content()
                .isEqualTo(trainFile.toAbsolutePath() + "|tiny-base|3|3\n");
    }

    @Test
    void aCrashIsReportedWithItsExitCodeAndTheLastLinesOfStderr() throws Exception {
        CommandFineTuner tuner = tuner("crash", Duration.ofMinutes(5));
        String jobDir = tuner.submit(request("job-crash"));

        FineTuneStatus status = awaitFinished(tuner, jobDir);

        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.error()).startsWith("the trainer exited with code 3; last lines of stderr:")
                .contains("torch.OutOfMemoryError: CUDA out of memory")
                .contains("warning line 30")
                .doesNotContain("warning line 5\n");
        assertThat(status.modelRef()).isNull();
        assertThat(events.of(jobDir)).containsKey("line-2");
    }

    @Test
    void theTimeLimitKillsTheWholeProcessTree() throws Exception {
        CommandFineTuner tuner = tuner("hang", Duration.ofSeconds(2));
        String jobDir = tuner.submit(request("job-hang"));
        Path childPid = Path.of(jobDir, "child.pid");
        await(() -> Files.exists(childPid) && !readQuietly(childPid).isBlank());
        long child = Long.parseLong(Files.readString(childPid).trim());
        long trainer = json.readValue(Path.of(jobDir, CommandFineTuner.JOB_FILE).toFile(),
                CommandFineTuner.TrainerJob.class).pid();

        FineTuneStatus status = awaitFinished(tuner, jobDir);

        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.error()).contains("time limit of PT2S");
        await(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        assertThat(ProcessHandle.of(trainer).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void cancelKillsTheTrainerAndItsChildren() throws Exception {
        CommandFineTuner tuner = tuner("hang", Duration.ofMinutes(5));
        String jobDir = tuner.submit(request("job-cancel"));
        Path childPid = Path.of(jobDir, "child.pid");
        await(() -> Files.exists(childPid) && !readQuietly(childPid).isBlank());
        long child = Long.parseLong(Files.readString(childPid).trim());

        tuner.cancel(jobDir);

        assertThat(tuner.status(jobDir).state()).isEqualTo(State.CANCELLED);
        await(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        Thread.sleep(500); // the follower must not turn the killed trainer into a failure
        assertThat(tuner.status(jobDir).state()).isEqualTo(State.CANCELLED);
    }

    @Test
    void submittingTheSameJobAgainDoesNotStartASecondTrainerEvenFromANewInstance() throws Exception {
        CommandFineTuner tuner = tuner("succeed", Duration.ofMinutes(5));
        String first = tuner.submit(request("job-once"));
        String again = tuner.submit(request("job-once"));
        CommandFineTuner afterRestart = tuner("succeed", Duration.ofMinutes(5));
        String third = afterRestart.submit(request("job-once"));
        Files.createFile(Path.of(first, "go"));

        assertThat(awaitFinished(afterRestart, third).state()).isEqualTo(State.SUCCEEDED);
        assertThat(again).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(Files.readAllLines(Path.of(first, "starts"))).hasSize(1);
        assertThat(events.duplicates.get()).as("both instances read the output; each event is stored once")
                .isPositive();
        assertThat(events.of(first)).containsOnlyKeys("line-2", "line-3", "line-4");
    }

    @Test
    void aTrainerThatWritesNoAdapterFails() throws Exception {
        CommandFineTuner tuner = tuner("empty", Duration.ofMinutes(5));
        String jobDir = tuner.submit(request("job-empty"));

        FineTuneStatus status = awaitFinished(tuner, jobDir);

        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.error()).contains("exited with code 0 but wrote no adapter");
    }

    @Test
    void anUnknownPlaceholderIsRefusedBeforeAnythingStarts() {
        var trainer = new CommandFineTunerProperties.Trainer("command", List.of("sh", "-c", "echo {datset}"),
                null, null, null, null, null, null);
        assertThatThrownBy(() -> CommandFineTuner.checkPlaceholders("lora", trainer.command()))
                .hasMessageContaining("unknown placeholder {datset}");
        CommandFineTuner tuner = new CommandFineTuner("lora", trainer, events, json, Clock.systemUTC());

        assertThatThrownBy(() -> tuner.submit(request("job-typo"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{datset}");
        assertThat(work.resolve("out")).doesNotExist();
    }

    @Test
    void placeholdersBecomeEnvironmentVariableNames() {
        assertThat(CommandFineTuner.environmentName("baseModel")).isEqualTo("LIFECYCLE_BASE_MODEL");
        assertThat(CommandFineTuner.environmentName("hyperparameters.learningRate"))
                .isEqualTo("LIFECYCLE_HP_LEARNING_RATE");
        assertThat(CommandFineTuner.environmentName("jobDir")).isEqualTo("LIFECYCLE_JOB_DIR");
    }

    private CommandFineTuner tuner(String mode, Duration timeLimit) throws Exception {
        Path script = Path.of(getClass().getResource("/trainers/test-trainer.sh").toURI());
        var trainer = new CommandFineTunerProperties.Trainer("command", List.of("sh", script.toString(),
                "--mode", mode, "--data", "{dataset}", "--base-model", "{baseModel}", "--output", "{outputDir}",
                "--epochs", "{hyperparameters.epochs}"), null, Map.of(), timeLimit, Duration.ofSeconds(1), null,
                GPU_HOUR_USD);
        return new CommandFineTuner("lora", trainer, events, json, Clock.systemUTC());
    }

    private FineTuneRequest request(String jobName) {
        return new FineTuneRequest(jobName, "tiny-base", TaskKind.CLASSIFICATION, trainFile, trainFile, null, null,
                List.of(), null, Map.of("epochs", 3), work.resolve("out"));
    }

    private static FineTuneStatus awaitFinished(CommandFineTuner tuner, String jobDir) {
        await(() -> tuner.status(jobDir).isFinished());
        return tuner.status(jobDir);
    }

    private static void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Keyed like fine_tune_event's unique key: a second record of the same event is counted, not stored. */
    static final class RecordingSink implements FineTuneEventSink {

        private final Map<String, Map<String, FineTuneEvent>> byJob = new ConcurrentHashMap<>();
        final AtomicInteger duplicates = new AtomicInteger();

        @Override
        public void record(String fineTuner, String externalId, FineTuneEvent event) {
            if (byJob.computeIfAbsent(externalId, id -> new ConcurrentHashMap<>())
                    .putIfAbsent(event.eventKey(), event) != null) {
                duplicates.incrementAndGet();
            }
        }

        Map<String, FineTuneEvent> of(String externalId) {
            return byJob.getOrDefault(externalId, Map.of());
        }

        boolean has(String externalId, String key) {
            return of(externalId).containsKey(key);
        }
    }
}
