/**
 * Stage "evaluate": runs a model with a prompt version on labelled examples, and the candidate and the champion
 * on the same sets (whether to promote is the gate stage's question; {@link EvalResults} is what it reads). Owns
 * eval_run, eval_result, eval_example_result and model_call.
 */
package org.hybridllm.lifecycle.evaluate;
