package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a fine-tuner trains on.
 *
 * @param jobName         unique, stable name of the job (the same request resubmitted must reuse it)
 * @param task            the use case's task kind (what the assistant turns hold: a label, JSON, a text)
 * @param trainFile       JSONL in the OpenAI chat fine-tuning format
 * @param validationFile  JSONL in the same format
 * @param preferenceFile  OpenAI's DPO JSONL (input, preferred_output, non_preferred_output); null if none
 * @param prompt          the (short) prompt the tuned model will be served with
 * @param labels          classification: the labels
 * @param outputSchema    extraction: the schema the outputs satisfy
 * @param outputDirectory where the trainer writes its result
 */
public record FineTuneRequest(String jobName, String baseModel, TaskKind task, Path trainFile, Path validationFile,
                              Path preferenceFile, PromptSpec prompt, List<LabelSpec> labels, JsonNode outputSchema,
                              Map<String, Object> hyperparameters, Path outputDirectory) {
}
