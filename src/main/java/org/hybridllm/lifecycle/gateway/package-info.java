/**
 * The OpenAI-compatible gateway: serves a use case's champion (canary to a pending challenger) and logs every
 * call. Owns gateway_route, api_key and gateway_call.
 */
package org.hybridllm.lifecycle.gateway;
