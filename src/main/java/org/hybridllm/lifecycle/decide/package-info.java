/**
 * Stage "decide": the fine-tune decision (DMN) recorded with its inputs and rationale. Owns decision.
 */
package org.hybridllm.lifecycle.decide;
