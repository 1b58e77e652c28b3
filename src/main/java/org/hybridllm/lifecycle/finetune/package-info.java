/**
 * Stage "fine-tune": submits the dataset to a fine-tuner, follows the job and registers the tuned model. Owns
 * fine_tune_job and fine_tune_event.
 */
package org.hybridllm.lifecycle.finetune;
