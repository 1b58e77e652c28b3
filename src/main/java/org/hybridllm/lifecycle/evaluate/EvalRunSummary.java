package org.hybridllm.lifecycle.evaluate;

/**
 * What a stage needs to know of an evaluation run (the details are in eval_run, eval_result and
 * eval_example_result): its primary metric (accuracy, strict record match, rubric pass rate or reference match)
 * and, for classification, macro-F1 (null for the other kinds).
 */
public record EvalRunSummary(long evalRunId, long modelVersionId, long promptVersionId, int examples,
                             String primaryMetric, double primary, Double macroF1, double promptTokensPerCall) {
}
