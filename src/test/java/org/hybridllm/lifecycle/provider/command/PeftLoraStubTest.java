package org.hybridllm.lifecycle.provider.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hybridllm.lifecycle.provider.FineTuneEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/fine-tuners/peft_lora.py as CI can run it, without torch: its stub backend (a word-unigram model in place
 * of the network) behind the real argument handling, data reading and progress output, read by the app's parser.
 */
class PeftLoraStubTest {

    private static final Path TRAINER = Path.of("docs/fine-tuners/peft_lora.py");
    private static final List<String> WORDS = List.of("hello", "refund", "issued", "within", "five", "days", "thanks");
    private final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();

    @TempDir
    Path work;
    private Path train;
    private Path validation;
    private Path preferences;
    private Path hyperparameters;

    record Result(int exitCode, List<FineTuneEvent> events, String stderr) {

        List<FineTuneEvent> losses() {
            return events.stream().filter(e -> e.step() != null && e.trainLoss() != null).toList();
        }

        List<FineTuneEvent> evaluations() {
            return events.stream().filter(e -> e.step() != null && e.evalLoss() != null).toList();
        }
    }

    @BeforeAll
    static void python3IsThere() {
        assumeTrue(run("python3", "--version") == 0, "python3 is not installed");
    }

    @BeforeEach
    void data() throws IOException {
        // every word of WORDS is in an answer, so the stub's vocabulary is 7 words + 1 for any other
        train = lines("train.jsonl", 12, i -> chat("ticket " + i, answer(i, 5)));
        validation = lines("validation.jsonl", 3, i -> chat("question " + i, answer(i + 2, 4)));
        preferences = lines("preferences.jsonl", 8, i -> i % 2 == 0
                ? Map.of("input", Map.of("messages", List.of(Map.of("role", "system", "content", "Reply."),
                                Map.of("role", "user", "content", "ticket " + i))),
                        "preferred_output", List.of(Map.of("role", "assistant", "content", answer(i, 5))),
                        "non_preferred_output", List.of(Map.of("role", "assistant", "content", "no idea sorry")))
                : Map.of("input", "ticket " + i, "preferred_output", answer(i, 5),
                        "non_preferred_output", "no idea sorry"));
        hyperparameters = Files.writeString(work.resolve("hp.json"), """
                {"epochs": 2, "batchSize": 1, "gradientAccumulationSteps": 2, "loggingSteps": 1, "evalSteps": 3,
                 "learningRate": 0.0002, "someOtherTrainersKey": true}""");
    }

    @Test
    void sftPrintsALossCurveThatStartsAtTheUniformCrossEntropyAndFalls() throws Exception {
        Path output = work.resolve("out");
        Result result = trainer(List.of("--backend", "stub", "--train", train.toString(), "--validation",
                validation.toString(), "--base-model", "tiny-base", "--output", output.toString(),
                "--hyperparameters", hyperparameters.toString()), Map.of());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        // 12 examples, 1 x 2 per optimizer step, 2 epochs: 12 steps; evaluated every 3 steps
        assertThat(result.losses()).extracting(FineTuneEvent::step)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 12).boxed().toList());
        assertThat(result.evaluations()).extracting(FineTuneEvent::step).containsExactly(3, 6, 9, 12);
        // nothing learnt before the first step: every word has probability 1/8
        assertThat(result.losses().getFirst().trainLoss()).isEqualTo(round(Math.log(8)));
        assertThat(result.losses().getLast().trainLoss()).isLessThan(result.losses().getFirst().trainLoss());
        assertThat(result.evaluations().getLast().evalLoss())
                .isLessThan(result.evaluations().getFirst().evalLoss());
        assertThat(result.losses().get(1).data()).containsEntry("epoch", round(2 / 6.0, 3));
        assertThat(result.events().getFirst().level()).isEqualTo("WARN");
        assertThat(result.events().getFirst().message()).contains("stub backend: sft on 12 training and 3 validation");
        assertThat(output.resolve("stub_model.json")).content().contains("\"backend\": \"stub\"")
                .contains("\"base_model\": \"tiny-base\"").contains("\"steps\": 12");
    }

    @Test
    void trainingStopsEarlyWhenTheValidationLossStopsImproving() throws Exception {
        // validation answers share no word with training: each step makes them less likely
        Path unseen = lines("unseen.jsonl", 2, i -> chat("question", "completely different words " + i));
        Files.writeString(hyperparameters, """
                {"epochs": 5, "batchSize": 2, "loggingSteps": 1, "evalSteps": 2, "earlyStoppingPatience": 1}""");
        Path output = work.resolve("early");
        Result result = trainer(List.of("--backend", "stub", "--train", train.toString(), "--validation",
                unseen.toString(), "--base-model", "tiny-base", "--output", output.toString(),
                "--hyperparameters", hyperparameters.toString()), Map.of());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.evaluations()).extracting(FineTuneEvent::step).containsExactly(2, 4);
        assertThat(result.evaluations().get(1).evalLoss()).isGreaterThan(result.evaluations().get(0).evalLoss());
        assertThat(result.events().stream().map(FineTuneEvent::message).filter(m -> m != null && m.startsWith(
                "early stop")).findFirst()).hasValueSatisfying(m -> assertThat(m).contains("(step 2)"));
        assertThat(output.resolve("stub_model.json")).content().contains("\"steps\": 4");
    }

    @Test
    void dpoReadsBothPreferenceFormsAndStartsAtLnTwo() throws Exception {
        Result result = trainer(List.of("--backend", "stub", "--method", "dpo", "--train", preferences.toString(),
                "--base-model", "tiny-base", "--output", work.resolve("dpo").toString(), "--hyperparameters",
                hyperparameters.toString()), Map.of());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.losses()).hasSize(8);
        // the policy is its reference before it has learnt anything: -log sigmoid(0)
        assertThat(result.losses().getFirst().trainLoss()).isEqualTo(round(Math.log(2)));
        assertThat(result.losses().getLast().trainLoss()).isLessThan(round(Math.log(2)));
        assertThat(result.evaluations()).as("no validation split given").isEmpty();
    }

    @Test
    void theLifecycleEnvironmentVariablesStandInForTheArguments() throws Exception {
        Path output = work.resolve("from-env");
        Result result = trainer(List.of("--backend", "stub"), Map.of("LIFECYCLE_DATASET", train.toString(),
                "LIFECYCLE_VALIDATION", validation.toString(), "LIFECYCLE_BASE_MODEL", "env-base",
                "LIFECYCLE_OUTPUT_DIR", output.toString(), "LIFECYCLE_HYPERPARAMETERS", hyperparameters.toString()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(output.resolve("stub_model.json")).content().contains("\"base_model\": \"env-base\"");
    }

    @Test
    void badArgumentsHyperParametersAndDataExitTwoWithAnErrorLine() throws Exception {
        String out = work.resolve("bad").toString();
        assertBadInput(trainer(List.of("--backend", "stub", "--validation", validation.toString(),
                "--base-model", "b", "--output", out), Map.of()), "--train is required");
        assertBadInput(trainer(List.of("--backend", "stub", "--train", train.toString(), "--base-model", "b",
                "--output", out), Map.of()), "--validation is required for sft");
        assertBadInput(trainer(List.of("--backend", "stub", "--train", train.toString(), "--validation",
                validation.toString(), "--base-model", "b", "--output", out, "--learning-rate", "1"), Map.of()),
                "unrecognized arguments: --learning-rate 1");

        Files.writeString(hyperparameters, "{\"epochs\": \"three\"}");
        assertBadInput(trainer(List.of("--backend", "stub", "--train", train.toString(), "--validation",
                validation.toString(), "--base-model", "b", "--output", out, "--hyperparameters",
                hyperparameters.toString()), Map.of()), "hyper-parameter epochs='three' is not a float");
        Files.writeString(hyperparameters, "{\"method\": \"ppo\"}");
        assertBadInput(trainer(List.of("--backend", "stub", "--train", train.toString(), "--validation",
                validation.toString(), "--base-model", "b", "--output", out, "--hyperparameters",
                hyperparameters.toString()), Map.of()), "method 'ppo' is neither sft nor dpo");

        Path broken = Files.writeString(work.resolve("broken.jsonl"), Files.readString(train).lines().findFirst()
                .orElseThrow() + "\n{\"messages\": [{\"role\": \"user\"}]}\n");
        assertBadInput(trainer(List.of("--backend", "stub", "--train", broken.toString(), "--validation",
                validation.toString(), "--base-model", "b", "--output", out), Map.of()),
                "broken.jsonl line 2: every message needs a string 'role' and 'content'");
        assertBadInput(trainer(List.of("--backend", "stub", "--method", "dpo", "--train", train.toString(),
                "--base-model", "b", "--output", out), Map.of()), "line 1: 'input' is neither a text nor an object with 'messages'");
        assertThat(work.resolve("bad")).doesNotExist();
    }

    @Test
    void theTorchBackendWithoutTorchExitsThreeAndSaysWhatToInstall() throws Exception {
        assumeTrue(run("python3", "-c", "import torch") != 0, "torch is installed here");
        Result result = trainer(List.of("--train", train.toString(), "--validation", validation.toString(),
                "--base-model", "b", "--output", work.resolve("torch").toString()), Map.of());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.events()).singleElement().satisfies(event -> {
            assertThat(event.level()).isEqualTo("ERROR");
            assertThat(event.message()).contains("needs torch, transformers and peft");
            assertThat(event.data()).containsEntry("exit_code", 3);
        });
    }

    @Test
    void helpExitsZero() {
        assertThat(run("python3", TRAINER.toString(), "--help")).isZero();
    }

    private void assertBadInput(Result result, String message) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
        assertThat(result.events()).singleElement().satisfies(event -> {
            assertThat(event.level()).isEqualTo("ERROR");
            assertThat(event.message()).contains(message);
            assertThat(event.data()).containsEntry("exit_code", 2);
        });
        assertThat(result.stderr()).contains("peft_lora.py: ").contains(message);
    }

    private Result trainer(List<String> arguments, Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", TRAINER.toString()));
        command.addAll(arguments);
        Path stdout = Files.createTempFile(work, "stdout-", ".log");
        Path stderr = Files.createTempFile(work, "stderr-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("LIFECYCLE_"));
        env.putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the trainer finished").isTrue();
        List<FineTuneEvent> events = new ArrayList<>();
        try (ProgressLines lines = new ProgressLines(stdout, json)) {
            for (Optional<ProgressLines.Line> line = lines.peek(); line.isPresent(); line = lines.peek()) {
                line.get().event().ifPresent(events::add);
                lines.advance();
            }
        }
        return new Result(process.exitValue(), events, Files.readString(stderr));
    }

    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private Path lines(String name, int count, IntFunction<Map<String, Object>> line)
            throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(json.writeValueAsString(line.apply(i)));
        }
        return Files.write(work.resolve(name), rows);
    }

    private static Map<String, Object> chat(String user, String assistant) {
        Map<String, Object> line = new HashMap<>();
        line.put("messages", List.of(Map.of("role", "system", "content", "Reply to the ticket."),
                Map.of("role", "user", "content", user), Map.of("role", "assistant", "content", assistant)));
        return line;
    }

    /** {@code length} words of WORDS from position {@code start} on, so that every word occurs. */
    private static String answer(int start, int length) {
        return IntStream.range(start, start + length).mapToObj(i -> WORDS.get(i % WORDS.size()))
                .collect(Collectors.joining(" "));
    }

    private static double round(double value) {
        return round(value, 4);
    }

    private static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }
}
