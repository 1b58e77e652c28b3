package org.hybridllm.lifecycle.provider.openai;

import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import com.openai.models.finetuning.jobs.JobListParams;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.provider.FineTuneEvent;
import org.hybridllm.lifecycle.provider.FineTuneEventSink;
import org.hybridllm.lifecycle.provider.FineTuneRequest;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.TrainingCost;
import java.util.Collections;
import java.nio.file.Path;

/**
 * OpenAI's fine-tuning API (files + fine_tuning/jobs): uploads the dataset version's splits, creates the job with
 * the hyper-parameters, and on every status check records the job's new events and metrics (the loss curve).
 * A job carries our job name in its metadata, so a resubmitted request finds the job instead of starting another.
 */
public class OpenAiFineTuner implements FineTuner {

    static final String JOB_NAME_KEY = "lifecycle_job";

    private final String name;
    private final OpenAIClient client;
    private final FineTuneEventSink events;
    private final OpenAiProperties.Endpoint endpoint;

    public OpenAiFineTuner(String name, OpenAIClient client, FineTuneEventSink events,
                           OpenAiProperties.Endpoint endpoint) {
        this.name = name;
        this.client = client;
        this.events = events;
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String submit(FineTuneRequest request) {
        try {
            Optional<FineTuningJob> existing = findByJobName(request.jobName());
            if (existing.isPresent()) {
                return existing.get().id();
            }
            String trainingFile = upload(request.trainFile());
            String validationFile = upload(request.validationFile());
            JobCreateParams.Builder params = JobCreateParams.builder()
                    .model(request.baseModel())
                    .trainingFile(trainingFile)
                    .validationFile(validationFile)
                    .hyperparameters(hyperparameters(request.hyperparameters()))
                    .metadata(JobCreateParams.Metadata.builder()
                            .putAdditionalProperty(JOB_NAME_KEY, JsonValue.from(request.jobName())).build());
            Object suffix = request.hyperparameters().get("suffix");
            if (suffix != null) {
                params.suffix(suffix.toString());
            }
            return client.fineTuning().jobs().create(params.build()).id();
        } catch (RuntimeException e) {
            throw OpenAiFailures.classify(name, "a fine-tuning job on '" + request.baseModel() + "'", e);
        }
    }

    @Override
    public FineTuneStatus status(String externalId) {
        try {
            FineTuningJob job = client.fineTuning().jobs().retrieve(externalId);
            Map<String, Object> metrics = new LinkedHashMap<>();
            job.trainedTokens().ifPresent(tokens -> metrics.put("trainedTokens", tokens));
            recordEvents(externalId);
            String error = job.error().map(e -> e.message() + (e.code() == null ? "" : " (" + e.code() + ")"))
                    .orElse(null);
            FineTuneStatus.State state = switch (job.status().asString()) {
                case "validating_files", "queued" -> FineTuneStatus.State.QUEUED;
                case "running" -> FineTuneStatus.State.RUNNING;
                case "succeeded" -> FineTuneStatus.State.SUCCEEDED;
                case "cancelled" -> FineTuneStatus.State.CANCELLED;
                case "failed" -> FineTuneStatus.State.FAILED;
                default -> FineTuneStatus.State.RUNNING; // e.g. paused: still an open job
            };
            if (state == FineTuneStatus.State.FAILED && error == null) {
                error = "the provider reported the job as failed without a reason";
            }
            FineTuneStatus status = new FineTuneStatus(state, metrics, job.fineTunedModel().orElse(null), error);
            return status.isFinished() ? status.withTrainingCost(trainingCost(job)) : status;
        } catch (RuntimeException e) {
            throw OpenAiFailures.classify(name, "reading fine-tuning job " + externalId, e);
        }
    }

    /**
     * The provider bills fine-tuning by trained tokens (the training file's tokens × epochs, which the job reports
     * as trained_tokens): those × the configured training price of the base model. The wall time is the job's,
     * creation to finish, queueing included.
     */
    private TrainingCost trainingCost(FineTuningJob job) {
        Double seconds = job.finishedAt().map(finished -> (double) (finished - job.createdAt())).orElse(null);
        BigDecimal price = endpoint.trainingPrice(job.model());
        if (job.trainedTokens().isEmpty()) {
            return TrainingCost.unknown(seconds, "the provider reported no trained tokens for job " + job.id());
        }
        if (price == null) {
            return TrainingCost.unknown(seconds, job.trainedTokens().get() + " trained tokens, but no training price"
                    + " is configured (lifecycle.providers." + name + ".prices." + job.model()
                    + ".training-per-million)");
        }
        return TrainingCost.ofTokens(job.trainedTokens().get(), price, seconds, job.model());
    }

    @Override
    public void cancel(String externalId) {
        try {
            client.fineTuning().jobs().cancel(externalId);
        } catch (RuntimeException e) {
            throw OpenAiFailures.classify(name, "cancelling fine-tuning job " + externalId, e);
        }
    }

    /** Records the job's events (newest first from the API; the sink ignores ones already stored). */
    private void recordEvents(String externalId) {
        List<FineTuningJobEvent> page = client.fineTuning().jobs()
                .listEvents(JobListEventsParams.builder().fineTuningJobId(externalId).limit(100L).build()).data();
        List<FineTuningJobEvent> oldestFirst = new ArrayList<>(page);
        Collections.reverse(oldestFirst);
        for (FineTuningJobEvent event : oldestFirst) {
            Map<String, Object> data = dataOf(event);
            Integer step = data.get("step") instanceof Number n ? n.intValue() : null;
            Double trainLoss = data.get("train_loss") instanceof Number n ? n.doubleValue() : null;
            Double evalLoss = data.get("valid_loss") instanceof Number n ? n.doubleValue() : null;
            events.record(name, externalId, new FineTuneEvent(event.id(), event.level().asString(), event.message(),
                    step, trainLoss, evalLoss, data));
        }
    }

    private static Map<String, Object> dataOf(FineTuningJobEvent event) {
        JsonValue data = event._data();
        if (data == null || data.isMissing() || data.isNull()) {
            return Map.of();
        }
        try {
            Map<String, Object> map = data.convert(new TypeReference<Map<String, Object>>() { });
            return map == null ? Map.of() : map;
        } catch (RuntimeException notAnObject) {
            return Map.of();
        }
    }

    private Optional<FineTuningJob> findByJobName(String jobName) {
        return client.fineTuning().jobs().list(JobListParams.builder()
                        .metadata(JobListParams.Metadata.builder()
                                .putAdditionalProperty(JOB_NAME_KEY, jobName).build())
                        .limit(10L).build())
                .data().stream()
                .filter(job -> job.metadata().map(m -> m._additionalProperties().get(JOB_NAME_KEY))
                        .map(v -> jobName.equals(v.convert(String.class))).orElse(false))
                .filter(job -> !job.status().asString().equals("failed") && !job.status().asString().equals("cancelled"))
                .findFirst();
    }

    private String upload(Path file) {
        return client.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build())
                .id();
    }

    private static JobCreateParams.Hyperparameters hyperparameters(Map<String, Object> values) {
        JobCreateParams.Hyperparameters.Builder builder = JobCreateParams.Hyperparameters.builder();
        if (values.get("epochs") instanceof Number epochs) {
            builder.nEpochs(epochs.longValue());
        }
        if (values.get("batchSize") instanceof Number batchSize) {
            builder.batchSize(batchSize.longValue());
        }
        if (values.get("learningRateMultiplier") instanceof Number multiplier) {
            builder.learningRateMultiplier(multiplier.doubleValue());
        }
        return builder.build();
    }
}
