/**
 * The audit trail: every state change and decision, by whom and why. Owns audit_event.
 */
package org.hybridllm.lifecycle.audit;
