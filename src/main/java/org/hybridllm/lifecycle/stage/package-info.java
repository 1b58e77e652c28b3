/**
 * The stage runner: each stage's work at most once per run, claimed and recorded in short transactions. Owns
 * run_stage.
 */
package org.hybridllm.lifecycle.stage;
