/**
 * Stage "evaluate": runs a model with a prompt version on labelled examples and compares the candidate with the
 * champion. Owns eval_run, eval_result and model_call.
 */
package org.hybridllm.lifecycle.evaluate;
