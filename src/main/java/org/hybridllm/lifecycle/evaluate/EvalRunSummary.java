package org.hybridllm.lifecycle.evaluate;

/** What a stage needs to know of an evaluation run (the details are in eval_run / eval_result). */
public record EvalRunSummary(long evalRunId, long modelVersionId, long promptVersionId, int examples,
                             double accuracy, double macroF1, double promptTokensPerCall) {
}
