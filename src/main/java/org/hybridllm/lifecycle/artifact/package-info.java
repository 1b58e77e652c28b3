/**
 * Content-addressed artifact files (datasets, weights, adapters) with their hashes. Owns artifact.
 */
package org.hybridllm.lifecycle.artifact;
