/**
 * Signed webhooks from other systems: signature, replay window, idempotency and the answers. Each event type is
 * handed to the module that owns its effect through an interface defined here and implemented there
 * ({@link org.hybridllm.lifecycle.webhook.RunStartEvents}, {@link org.hybridllm.lifecycle.webhook.FeedbackBatchEvents},
 * {@link org.hybridllm.lifecycle.webhook.FineTuneCallbackEvents}), so this module depends on none of them. Owns
 * webhook_delivery.
 */
package org.hybridllm.lifecycle.webhook;
