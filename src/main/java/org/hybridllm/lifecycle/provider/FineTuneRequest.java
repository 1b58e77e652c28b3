package org.hybridllm.lifecycle.provider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a fine-tuner trains on.
 *
 * @param jobName         unique, stable name of the job (the same request resubmitted must reuse it)
 * @param trainFile       JSONL in the OpenAI chat fine-tuning format
 * @param validationFile  JSONL in the same format
 * @param prompt          the (short) prompt the tuned model will be served with
 * @param outputDirectory where the trainer writes its result
 */
public record FineTuneRequest(String jobName, String baseModel, Path trainFile, Path validationFile,
                              PromptSpec prompt, List<LabelSpec> labels, Map<String, Object> hyperparameters,
                              Path outputDirectory) {
}
