/**
 * The sample use case loaded at first start.
 */
package org.hybridllm.lifecycle.sample;
