package org.hybridllm.lifecycle.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.CamundaError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.feedback.FeedbackRepository;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.provider.ChatJsonl;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.JsonSchemaContract;
import org.hybridllm.lifecycle.artifact.Artifact;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.artifact.HashedFile;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.stereotype.Component;
import java.util.HashMap;
import java.util.LinkedHashMap;

/**
 * Stage "dataset": selects the feedback with ideal outputs (as pinned by the feedback stage), scrubs PII,
 * de-duplicates, splits train / validation / test stratified with a fixed seed, writes each split as chat JSONL,
 * and registers the version with its hashes and its lineage to the feedback rows. Near-duplicate inputs are kept in
 * one split and the leakage left is measured: the output {@code leakage} (a reused version reports its stored one).
 * Too few examples is a business failure: BPMN error DATASET_TOO_SMALL.
 */
@Component
public class BuildDatasetWorker {

    public static final String DATASET_TOO_SMALL = "DATASET_TOO_SMALL";
    static final String SPLIT_KIND = "DATASET_SPLIT";
    static final String PREFERENCES_KIND = "DATASET_PREFERENCES";
    static final String JSONL = "application/jsonl";

    public record DatasetBuilt(long datasetVersionId, int datasetVersion, String datasetSha256, int trainRows,
                               int validationRows, int testRows, int duplicatesRemoved, int piiItemsScrubbed,
                               int invalidExcluded, int preferencePairs, long tunedPromptVersionId,
                               boolean datasetReused, DatasetLeakage leakage) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final FeedbackRepository feedback;
    private final DatasetRepository datasets;
    private final ArtifactStore artifacts;
    private final StageExecutor stages;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final DatasetBuilder builder;
    private final long seed;
    private final double leakageFlagThreshold;

    public BuildDatasetWorker(RunRepository runs, UseCaseRepository useCases, PromptVersionRepository prompts,
                              FeedbackRepository feedback, DatasetRepository datasets, ArtifactStore artifacts,
                              StageExecutor stages, AuditLog audit, ObjectMapper json, DatasetProperties properties) {
        this.runs = runs;
        this.useCases = useCases;
        this.prompts = prompts;
        this.feedback = feedback;
        this.datasets = datasets;
        this.artifacts = artifacts;
        this.stages = stages;
        this.audit = audit;
        this.json = json;
        this.builder = new DatasetBuilder(properties.validationShare(), properties.testShare(),
                properties.nearDuplicateThreshold());
        this.seed = properties.splitSeed();
        this.leakageFlagThreshold = properties.leakageFlagThreshold();
    }

    /** Job input: the newest feedback row the dataset may hold (the feedback stage's summary). */
    public record DatasetInput(UUID runId, long feedbackUpToId) {
    }

    @JobWorker(type = "lifecycle.dataset.build")
    public DatasetBuilt build(ActivatedJob job, @VariablesAsType DatasetInput input) {
        return stages.onceInTransaction(job, DatasetBuilt.class, runId -> build(runId, input.feedbackUpToId()));
    }

    DatasetBuilt build(UUID runId, long feedbackUpToId) {
        // an erasure in flight finishes first, and none starts until this build has registered its lineage
        datasets.lockSharedAgainstErasure(DatasetErasure.ERASURE_LOCK);
        var run = runs.find(runId).orElseThrow();
        UseCase useCase = useCases.get(run.useCaseId());
        PromptVersion tunedPrompt = tunedPrompt(useCase);
        String system = tunedPrompt.spec().instruction();
        Path work = artifacts.workDirectory("dataset");
        DatasetBuilder.Split split;
        // streamed: the feedback log, the spool and the split files never have to fit in memory
        // inputs are spooled JSON-escaped, so that writing the split files only copies bytes
        try (DatasetBuilder.Build build = useCase.task() == TaskKind.CLASSIFICATION
                ? builder.start(useCase.labelNames(), Files.createTempFile(work, "spool-", ".tmp"),
                        ChatJsonl.Lines::quote, this::unquote)
                : builder.start(outputCheck(useCase), Files.createTempFile(work, "spool-", ".tmp"),
                        ChatJsonl.Lines::quote, this::unquote);
             SplitFiles files = new SplitFiles(work, system, useCase.task() == TaskKind.CLASSIFICATION)) {
            feedback.forEachIdealOutput(useCase.id(), feedbackUpToId, build::add);
            split = build.finish(seed, files::write);
            files.finishWriting();
            if (split.total() < useCase.minLabelledExamples()) {
                String reason = "Dataset too small: " + split.total() + " usable examples after scrubbing and "
                        + "de-duplication, " + useCase.minLabelledExamples() + " needed";
                throw CamundaError.bpmnError(DATASET_TOO_SMALL, reason, Map.of("failureReason", reason));
            }
            // the same content as a version the use case has is that version, not a new one
            String contentSha256 = contentSha256(files.file("train").sha256(), files.file("validation").sha256(),
                    files.file("test").sha256(), files.preferencePairs() == 0 ? null : files.preferences().sha256());
            Optional<DatasetVersion> same = datasets.findByContent(useCase.id(), contentSha256);
            if (same.isPresent()) {
                DatasetVersion existing = same.get();
                audit.record(AuditLog.SYSTEM, "DATASET_REUSED", "dataset_version", existing.id(), runId, Map.of(
                        "version", existing.version(), "sha256", contentSha256, "builtByRun", existing.runId()));
                return new DatasetBuilt(existing.id(), existing.version(), existing.sha256(), existing.trainRows(),
                        existing.validationRows(), existing.testRows(), existing.duplicatesRemoved(),
                        existing.piiItemsScrubbed(), existing.excludedInvalid(), existing.preferencePairs(),
                        tunedPrompt.id(), true, existing.leakage());
            }
            Artifact train = storeSplit(runId, "train", files, split.trainIds().length);
            Artifact validation = storeSplit(runId, "validation", files, split.validationIds().length);
            Artifact test = storeSplit(runId, "test", files, split.testIds().length);
            Artifact preferences = files.preferencePairs() == 0 ? null : artifacts.storeFile(runId, PREFERENCES_KIND,
                    "preferences.jsonl", JSONL, files.preferences(), Map.of("split", "train", "rows",
                            files.preferencePairs(), "format", "openai-preference-jsonl"), List.of());
            String sha256 = contentSha256(train.sha256(), validation.sha256(), test.sha256(),
                    preferences == null ? null : preferences.sha256());

            long id = datasets.insert(useCase.id(), runId, sha256, train.id(), validation.id(), test.id(),
                    preferences == null ? null : preferences.id(), files.preferencePairs(), split, seed,
                    run.revision(), leakageFlagThreshold);
            datasets.linkFeedback(id, "train", split.trainIds(), split.trainGroupKeys());
            datasets.linkFeedback(id, "validation", split.validationIds(), split.validationGroupKeys());
            datasets.linkFeedback(id, "test", split.testIds(), split.testGroupKeys());
            DatasetVersion version = datasets.get(id);
            audit.record(AuditLog.SYSTEM, "DATASET_REGISTERED", "dataset_version", id, runId, Map.of(
                    "version", version.version(), "sha256", sha256, "train", split.trainIds().length,
                    "validation", split.validationIds().length, "test", split.testIds().length,
                    "duplicatesRemoved", split.duplicatesRemoved(), "piiItemsScrubbed", split.piiItemsScrubbed(),
                    "invalidExcluded", split.invalidExcluded(), "preferencePairs", files.preferencePairs(),
                    "testOverlapRate", version.leakage().testOverlapRate()));
            return new DatasetBuilt(id, version.version(), sha256, split.trainIds().length,
                    split.validationIds().length, split.testIds().length, split.duplicatesRemoved(),
                    split.piiItemsScrubbed(), split.invalidExcluded(), files.preferencePairs(), tunedPrompt.id(),
                    false, version.leakage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dataset of run " + runId, e);
        }
    }

    /** An input as {@link ChatJsonl.Lines#quote} spooled it (JSON-escaped, without the quotes), as text again. */
    private String unquote(byte[] quoted) {
        byte[] literal = new byte[quoted.length + 2];
        literal[0] = '"';
        System.arraycopy(quoted, 0, literal, 1, quoted.length);
        literal[literal.length - 1] = '"';
        try {
            return json.readValue(literal, String.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a spooled input is not a JSON string's content", e);
        }
    }

    /** A version's content address: its splits' hashes, and its preference pairs' where it has some. */
    static String contentSha256(String train, String validation, String test, String preferences) {
        return Sha256.of(train + "\n" + validation + "\n" + test + (preferences == null ? "" : "\n" + preferences));
    }

    /** Extraction: an ideal output must be a JSON object that satisfies the schema; generation: any text. */
    private DatasetBuilder.OutputCheck outputCheck(UseCase useCase) {
        if (useCase.task() != TaskKind.EXTRACTION) {
            return DatasetBuilder.OutputCheck.ANY;
        }
        JsonSchemaContract schema = JsonSchemaContract.of(useCase.contract().outputSchema());
        return output -> output.strip().startsWith("{") && schema.violations(output).isEmpty();
    }

    /**
     * The three splits' JSONL files and the training split's preference pairs, written (and hashed) as the builder
     * hands out examples; deleted unless stored.
     */
    private static final class SplitFiles implements AutoCloseable {

        private final Map<String, HashedFile> files = new LinkedHashMap<>();
        private final ChatJsonl.Lines lines;
        private final ChatJsonl.PreferenceLines preferenceLines;
        private final HashedFile preferences;
        private final boolean labels;
        private final Map<String, byte[]> quotedLabels = new HashMap<>();
        private int preferencePairs;

        SplitFiles(Path directory, String system, boolean labels) throws IOException {
            this.lines = new ChatJsonl.Lines(system);
            this.preferenceLines = new ChatJsonl.PreferenceLines(system);
            this.labels = labels;
            for (String split : DatasetBuilder.SPLITS) {
                files.put(split, HashedFile.create(directory, split + "-", ".jsonl"));
            }
            this.preferences = HashedFile.create(directory, "preferences-", ".jsonl");
        }

        void write(String split, long feedbackId, byte[] quotedInput, String output, String rejected)
                throws IOException {
            // a label set is small: each label is quoted once; free outputs are quoted as they come
            byte[] quotedOutput = labels ? quotedLabels.computeIfAbsent(output, ChatJsonl.Lines::quote)
                    : ChatJsonl.Lines.quote(output);
            lines.write(files.get(split), quotedInput, quotedOutput);
            // pairs from the training split only: a test example's correction must not reach the trainer
            if (rejected != null && split.equals("train")) {
                preferenceLines.write(preferences, quotedInput, quotedOutput, ChatJsonl.Lines.quote(rejected));
                preferencePairs++;
            }
        }

        HashedFile file(String split) {
            return files.get(split);
        }

        HashedFile preferences() {
            return preferences;
        }

        int preferencePairs() {
            return preferencePairs;
        }

        void finishWriting() throws IOException {
            for (HashedFile file : files.values()) {
                file.close();
            }
            preferences.close();
        }

        @Override
        public void close() throws IOException {
            finishWriting();
            for (HashedFile file : files.values()) {
                Files.deleteIfExists(file.path()); // stored ones were moved away already
            }
            Files.deleteIfExists(preferences.path());
        }
    }

    /** The short prompt the fine-tuned model will be served with: the use case's latest, or a default one. */
    private PromptVersion tunedPrompt(UseCase useCase) {
        List<PromptVersion> tuned = prompts.findByUseCase(useCase.id(), PromptVersion.Purpose.FINE_TUNED);
        if (!tuned.isEmpty()) {
            return tuned.getLast();
        }
        String instruction = switch (useCase.task()) {
            case CLASSIFICATION -> "Classify the input into one of: " + String.join(", ", useCase.labelNames()) + ".";
            case EXTRACTION -> "Extract the fields of the input as one JSON object.";
            case GENERATION -> "Write the reply to the input.";
        };
        PromptSpec shortPrompt = new PromptSpec(instruction, PromptSpec.INPUT_PLACEHOLDER, false, List.of());
        return prompts.create(useCase.id(), PromptVersion.Purpose.FINE_TUNED, shortPrompt, AuditLog.SYSTEM);
    }

    private Artifact storeSplit(UUID runId, String name, SplitFiles files, int rows) {
        return artifacts.storeFile(runId, SPLIT_KIND, name + ".jsonl", JSONL, files.file(name),
                Map.of("split", name, "rows", rows, "format", "openai-chat-jsonl"), List.of());
    }
}
