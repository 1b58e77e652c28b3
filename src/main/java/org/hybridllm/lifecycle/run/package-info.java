/**
 * The lifecycle run aggregate: starting, registering, finishing, cancelling and resuming runs, and the runs API.
 * Owns lifecycle_run.
 */
package org.hybridllm.lifecycle.run;
