/**
 * Right to erasure and retention (issue 19): erases a data subject's interactions and feedback, or a use case's
 * rows older than its retention period, from the database, from every dataset file built from them (through
 * {@code dataset.DatasetErasure}) and from model lineage (tainted models, {@code model.ModelRegistry}), and starts
 * the retraining a tainted champion needs. Owns subject_erasure; the retention timer process is
 * bpmn/lifecycle-retention.bpmn.
 */
package org.hybridllm.lifecycle.erasure;
