/**
 * Statistics for the promotion gate: McNemar's exact test on paired pass/fail outcomes, a seeded paired (and
 * cluster) bootstrap for the confidence interval of a mean difference, and the minimum detectable effect of a
 * test set with the examples a wanted effect needs. Pure functions over immutable records; depends on no other
 * module (distributions from Apache Commons Math). Owns no table.
 */
package org.hybridllm.lifecycle.statistics;
