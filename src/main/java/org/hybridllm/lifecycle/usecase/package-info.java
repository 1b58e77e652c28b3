/**
 * Use cases and their prompt versions, with their API: the catalogue every stage reads. Owns use_case,
 * eval_example and prompt_version.
 */
package org.hybridllm.lifecycle.usecase;
