/**
 * Scorers: a small assertion library that grades one model output per example (equals, contains, regex, is-json,
 * json-schema, field-match, similar, chrF, ROUGE-L, length, latency and cost limits, llm-rubric and pairwise
 * judges), each verdict with a value, pass/fail and an explanation a reviewer can read, plus the summaries the
 * review shows. Depends on no other module: judges and embeddings come in through {@link
 * org.hybridllm.lifecycle.scoring.Judge} and {@link org.hybridllm.lifecycle.scoring.TextEmbedder}. Owns no table.
 */
package org.hybridllm.lifecycle.scoring;
