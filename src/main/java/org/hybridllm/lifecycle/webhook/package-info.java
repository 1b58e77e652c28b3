/**
 * Signed webhooks from other systems: signature, replay window, idempotency; each event type handed to the module
 * that owns its effect. Owns webhook_delivery.
 */
package org.hybridllm.lifecycle.webhook;
