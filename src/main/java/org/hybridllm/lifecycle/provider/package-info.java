/**
 * Ports to model providers and fine-tuners (ModelProvider, FineTuner) and their adapters: local MiniLM, OpenAI-
 * compatible, command.
 */
package org.hybridllm.lifecycle.provider;
