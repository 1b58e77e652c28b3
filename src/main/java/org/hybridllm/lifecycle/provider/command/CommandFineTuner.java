package org.hybridllm.lifecycle.provider.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hybridllm.lifecycle.provider.FineTuneEventSink;
import org.hybridllm.lifecycle.provider.FineTuneRequest;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.TrainingCost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.File;
import java.util.Locale;

/**
 * Runs a LoRA/QLoRA trainer (or any program that follows {@code docs/command-fine-tuner.md}) as a child process.
 *
 * <p>Everything about a job lives in its directory ({@code <artifact-dir>/work/fine-tune/<name>/<jobName>}), which
 * is also its external id: the request ({@code hyperparameters.json}), the process ({@code job.json}: pid, start
 * time, deadline), its output ({@code stdout.log}, {@code stderr.log}), its exit code (written by a {@code sh}
 * wrapper, so it is known even when the app was restarted meanwhile), the adapter ({@code adapter/}) and the final
 * {@code status.json}. The trainer does not depend on the app staying up: after a restart the app finds the job
 * from its directory and follows it again.
 */
public class CommandFineTuner implements FineTuner {

    private static final Logger log = LoggerFactory.getLogger(CommandFineTuner.class);
    static final String JOB_FILE = "job.json";
    static final String STATUS_FILE = "status.json";
    static final String STDOUT_FILE = "stdout.log";
    static final String STDERR_FILE = "stderr.log";
    static final String EXIT_CODE_FILE = "exit-code";
    static final String ADAPTER_DIR = "adapter";
    static final String HYPERPARAMETERS_FILE = "hyperparameters.json";
    private static final int STDERR_TAIL_LINES = 20;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");
    /** Runs the trainer and records its exit code: a restarted app cannot learn it from a process it did not start. */
    private static final String EXIT_CODE_WRAPPER = "\"$@\"; code=$?; printf '%s' \"$code\" > \"$LIFECYCLE_JOB_DIR/"
            + EXIT_CODE_FILE + ".tmp\" && mv \"$LIFECYCLE_JOB_DIR/" + EXIT_CODE_FILE + ".tmp\" \"$LIFECYCLE_JOB_DIR/"
            + EXIT_CODE_FILE + "\"; exit $code";

    /** What {@code job.json} holds: how to find the process again and when it must be stopped. */
    record TrainerJob(String jobName, long pid, Instant processStart, Instant deadline, List<String> command) {
    }

    private final String name;
    private final CommandFineTunerProperties.Trainer trainer;
    private final FineTuneEventSink events;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<Path, ProgressFollower> followers = new ConcurrentHashMap<>();

    public CommandFineTuner(String name, CommandFineTunerProperties.Trainer trainer, FineTuneEventSink events,
                            ObjectMapper json, Clock clock) {
        this.name = name;
        this.trainer = trainer;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized String submit(FineTuneRequest request) {
        Path jobDir = request.outputDirectory().resolve(name).resolve(request.jobName()).toAbsolutePath();
        String externalId = jobDir.toString();
        if (Files.exists(jobDir.resolve(JOB_FILE))) {
            status(externalId); // already started for this job name: follow it, never start it twice
            return externalId;
        }
        Path hyperparameters = jobDir.resolve(HYPERPARAMETERS_FILE);
        Map<String, String> values = placeholderValues(request, jobDir, hyperparameters);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", EXIT_CODE_WRAPPER, "lifecycle-trainer"));
        for (String argument : trainer.command()) {
            command.add(expand(argument, values)); // an unknown placeholder is refused before anything is written
        }
        try {
            Files.createDirectories(jobDir.resolve(ADAPTER_DIR));
            deleteIfExists(jobDir, STATUS_FILE, EXIT_CODE_FILE, STDOUT_FILE, STDERR_FILE); // a start that failed
            json.writeValue(hyperparameters.toFile(), request.hyperparameters());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory((trainer.workingDirectory() == null ? jobDir : trainer.workingDirectory()).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(jobDir.resolve(STDOUT_FILE).toFile())
                    .redirectError(jobDir.resolve(STDERR_FILE).toFile());
            builder.environment().putAll(trainer.environment());
            values.forEach((key, value) -> builder.environment().put(environmentName(key), value));
            Process process = builder.start();
            ProcessHandle handle = process.toHandle();
            TrainerJob job = new TrainerJob(request.jobName(), handle.pid(),
                    handle.info().startInstant().orElse(clock.instant()), clock.instant().plus(trainer.timeLimit()),
                    trainer.command());
            writeAtomically(jobDir.resolve(JOB_FILE), json.writeValueAsBytes(job));
            log.info("Fine-tuner {} started job {} (pid {}, time limit {})", name, request.jobName(), handle.pid(),
                    trainer.timeLimit());
            follow(jobDir, job);
            return externalId;
        } catch (IOException e) {
            throw new UncheckedIOException("fine-tuner " + name + " could not start " + trainer.command(), e);
        }
    }

    @Override
    public FineTuneStatus status(String externalId) {
        Path jobDir = Path.of(externalId);
        Optional<FineTuneStatus> finished = finalStatus(jobDir);
        if (finished.isPresent()) {
            return finished.get();
        }
        TrainerJob job = readJob(jobDir);
        follow(jobDir, job); // after a restart of the app: pick the job up again
        return new FineTuneStatus(FineTuneStatus.State.RUNNING, Map.of(), null, null);
    }

    @Override
    public void cancel(String externalId) {
        Path jobDir = Path.of(externalId);
        if (!Files.exists(jobDir.resolve(JOB_FILE))) {
            return;
        }
        stop(jobDir, readJob(jobDir), new FineTuneStatus(FineTuneStatus.State.CANCELLED, Map.of(), null,
                "cancelled"));
    }

    /** Records the final status first (so the follower does not report the killed trainer as crashed), then kills. */
    private void stop(Path jobDir, TrainerJob job, FineTuneStatus status) {
        if (!writeFinalStatus(jobDir, status)) {
            return; // already finished
        }
        ProcessTree.find(job.pid(), job.processStart()).ifPresent(root -> ProcessTree.kill(root, trainer.killGrace()));
        log.info("Fine-tuner {} stopped job {}: {}", name, job.jobName(), status.error());
    }

    private void follow(Path jobDir, TrainerJob job) {
        followers.computeIfAbsent(jobDir, dir -> {
            ProgressFollower follower = new ProgressFollower(jobDir, job);
            Thread.ofVirtual().name("trainer-" + job.jobName()).start(follower);
            return follower;
        });
    }

    /** Reads the trainer's stdout as it is written, records its progress, and ends the job. */
    private final class ProgressFollower implements Runnable {

        private final Path jobDir;
        private final TrainerJob job;
        private final ProgressLines lines;

        ProgressFollower(Path jobDir, TrainerJob job) {
            this.jobDir = jobDir;
            this.job = job;
            this.lines = new ProgressLines(jobDir.resolve(STDOUT_FILE), json);
        }

        @Override
        public void run() {
            try {
                while (finalStatus(jobDir).isEmpty()) {
                    boolean exited = Files.exists(jobDir.resolve(EXIT_CODE_FILE));
                    recordNewProgress(); // after the exit code, too: the last lines may be new
                    if (exited) {
                        writeFinalStatus(jobDir, outcome(Integer.parseInt(
                                Files.readString(jobDir.resolve(EXIT_CODE_FILE)).trim())));
                    } else if (clock.instant().isAfter(job.deadline())) {
                        stop(jobDir, job, new FineTuneStatus(FineTuneStatus.State.FAILED, Map.of(), null,
                                "the trainer exceeded its time limit of " + trainer.timeLimit()
                                        + "; its process tree was killed"));
                    } else if (ProcessTree.find(job.pid(), job.processStart()).isEmpty()
                            && !Files.exists(jobDir.resolve(EXIT_CODE_FILE))) {
                        writeFinalStatus(jobDir, new FineTuneStatus(FineTuneStatus.State.FAILED, Map.of(), null,
                                "the trainer process " + job.pid() + " ended without an exit code (killed from"
                                        + " outside, or the machine restarted)" + stderrTail()));
                    } else {
                        Thread.sleep(200);
                    }
                }
                recordNewProgress();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                log.error("Fine-tuner {} stopped following job {}; it is picked up again at the next status check",
                        name, job.jobName(), e);
            } finally {
                lines.close();
                followers.remove(jobDir);
            }
        }

        /** Records what the trainer printed since the last call; a failed insert is retried with the same line. */
        private void recordNewProgress() throws IOException, InterruptedException {
            while (true) {
                var next = lines.peek();
                if (next.isEmpty()) {
                    return;
                }
                try {
                    next.get().event().ifPresent(event -> events.record(name, jobDir.toString(), event));
                    lines.advance();
                } catch (RuntimeException e) {
                    log.warn("Fine-tuner {} could not record progress of job {} (retrying): {}", name,
                            job.jobName(), e.getMessage());
                    Thread.sleep(1000);
                }
            }
        }

        private FineTuneStatus outcome(int exitCode) throws IOException {
            Path adapter = jobDir.resolve(ADAPTER_DIR);
            if (exitCode != 0) {
                return new FineTuneStatus(FineTuneStatus.State.FAILED, Map.of("exitCode", exitCode), null,
                        "the trainer exited with code " + exitCode + stderrTail());
            }
            if (!holdsAFile(adapter)) {
                return new FineTuneStatus(FineTuneStatus.State.FAILED, Map.of("exitCode", 0), null,
                        "the trainer exited with code 0 but wrote no adapter to " + adapter);
            }
            String served = expand(trainer.servedModel(), Map.of("jobName", job.jobName()));
            return new FineTuneStatus(FineTuneStatus.State.SUCCEEDED, Map.of("exitCode", 0),
                    adapter.toUri().toString(), null, served.isBlank() ? null : served).withTrainingCost(cost());
        }

        /**
         * The trainer's wall time, from its process's start to its exit code's file (written as it exited, so
         * also right after a restart of the app) × the trainer's configured GPU-hour rate.
         */
        private TrainingCost cost() throws IOException {
            Duration wallTime = Duration.between(job.processStart(),
                    Files.getLastModifiedTime(jobDir.resolve(EXIT_CODE_FILE)).toInstant());
            if (trainer.gpuHourUsd() == null) {
                return TrainingCost.unknown(wallTime.toNanos() / 1e9, "no GPU-hour rate is configured for"
                        + " fine-tuner " + name + " (lifecycle.fine-tuners." + name + ".gpu-hour-usd)");
            }
            return TrainingCost.ofWallTime(wallTime, trainer.gpuHourUsd(), "GPU-hour of fine-tuner " + name);
        }

        private String stderrTail() {
            List<String> tail = StderrTail.lastLines(jobDir.resolve(STDERR_FILE), STDERR_TAIL_LINES);
            return tail.isEmpty() ? "" : "; last lines of stderr:\n" + String.join("\n", tail);
        }
    }

    private Optional<FineTuneStatus> finalStatus(Path jobDir) {
        Path file = jobDir.resolve(STATUS_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), FineTuneStatus.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + file, e);
        }
    }

    /** Writes status.json unless the job already has one (the first outcome wins: a cancel, a timeout, an exit). */
    private synchronized boolean writeFinalStatus(Path jobDir, FineTuneStatus status) {
        if (finalStatus(jobDir).isPresent()) {
            return false;
        }
        try {
            writeAtomically(jobDir.resolve(STATUS_FILE), json.writeValueAsBytes(status));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TrainerJob readJob(Path jobDir) {
        Path file = jobDir.resolve(JOB_FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("fine-tuner " + name + " has no job at " + jobDir);
        }
        try {
            return json.readValue(file.toFile(), TrainerJob.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + file, e);
        }
    }

    /** Refuses, at start-up, a command with a placeholder no job can fill (hyperparameters depend on the job). */
    static void checkPlaceholders(String fineTuner, List<String> command) {
        for (String argument : command) {
            Matcher matcher = PLACEHOLDER.matcher(argument);
            while (matcher.find()) {
                String placeholder = matcher.group(1);
                if (!placeholder.startsWith("hyperparameters.") && !FIXED_PLACEHOLDERS.contains(placeholder)) {
                    throw new IllegalStateException("lifecycle.fine-tuners." + fineTuner + ".command: unknown"
                            + " placeholder {" + placeholder + "}; known: " + FIXED_PLACEHOLDERS
                            + " and {hyperparameters.<key>}");
                }
            }
        }
    }

    private static final List<String> FIXED_PLACEHOLDERS = List.of("dataset", "validation", "preferences", "task",
            "baseModel", "outputDir", "hyperparameters", "jobName", "jobDir");

    private static Map<String, String> placeholderValues(FineTuneRequest request, Path jobDir, Path hyperparameters) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("dataset", request.trainFile().toAbsolutePath().toString());
        values.put("validation", request.validationFile().toAbsolutePath().toString());
        // empty when the dataset has no preference pairs (no correction replaced an output in its training split)
        values.put("preferences", request.preferenceFile() == null ? ""
                : request.preferenceFile().toAbsolutePath().toString());
        values.put("task", request.task().name());
        values.put("baseModel", request.baseModel());
        values.put("outputDir", jobDir.resolve(ADAPTER_DIR).toString());
        values.put("hyperparameters", hyperparameters.toString());
        values.put("jobName", request.jobName());
        values.put("jobDir", jobDir.toString());
        request.hyperparameters().forEach((key, value) -> values.put("hyperparameters." + key, String.valueOf(value)));
        return values;
    }

    /** Replaces {@code {name}} placeholders; an unknown one is refused rather than passed to the trainer as is. */
    static String expand(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("unknown placeholder {" + matcher.group(1) + "} in '" + template
                        + "'; known: " + values.keySet());
            }
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(expanded).toString();
    }

    /** {@code baseModel} → {@code LIFECYCLE_BASE_MODEL}, {@code hyperparameters.epochs} → {@code LIFECYCLE_HP_EPOCHS}. */
    static String environmentName(String placeholder) {
        String name = placeholder.replace("hyperparameters.", "hp.")
                .replaceAll("([a-z])([A-Z])", "$1_$2")
                .replaceAll("[^A-Za-z0-9]", "_");
        return "LIFECYCLE_" + name.toUpperCase(Locale.ROOT);
    }

    private static boolean holdsAFile(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }

    private static void deleteIfExists(Path jobDir, String... files) throws IOException {
        for (String file : files) {
            Files.deleteIfExists(jobDir.resolve(file));
        }
    }

    private static File nullDevice() {
        return new File("/dev/null");
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), ".incoming-", ".tmp");
        Files.write(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
