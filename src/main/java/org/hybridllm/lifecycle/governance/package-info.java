/**
 * Stage "governance": reviews with checklists, four-eyes decisions, escalation, the outbox that tells the engine,
 * and the reviewer console. Owns approval and outbox_message.
 */
package org.hybridllm.lifecycle.governance;
