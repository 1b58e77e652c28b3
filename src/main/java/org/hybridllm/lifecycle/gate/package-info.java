/**
 * Stage "gate": the statistical promotion gate between evaluation and review. On the paired per-example results of
 * champion and candidate on the test split it computes McNemar's exact test (pass/fail primary metrics), a seeded
 * (cluster) bootstrap CI of the difference, the minimum detectable effect, non-inferiority of the secondary metrics
 * and a per-slice regression guard; the DMN table promotion-gate turns them into PROMOTE / KEEP_CHAMPION /
 * INCONCLUSIVE. A candidate to promote is offered as the use case's challenger. Owns gate_result.
 */
package org.hybridllm.lifecycle.gate;
