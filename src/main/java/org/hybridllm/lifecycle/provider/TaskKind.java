package org.hybridllm.lifecycle.provider;

/**
 * The shape of a use case's output: a label, a JSON object that satisfies a schema, or a free text. Every stage
 * of the cycle (prompting, evaluation, datasets, fine-tuning, serving) works for each.
 */
public enum TaskKind {
    CLASSIFICATION, EXTRACTION, GENERATION
}
