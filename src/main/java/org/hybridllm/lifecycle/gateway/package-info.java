/**
 * The OpenAI-compatible gateway: serves a use case's champion (canary to a pending challenger) and logs every
 * call, as an interaction or, when the database cannot store it, in the quarantine. Owns gateway_route,
 * gateway_api_key and interaction_quarantine (and writes the gateway's interaction rows).
 */
package org.hybridllm.lifecycle.gateway;
