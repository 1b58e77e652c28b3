/**
 * HTTP and JSON conventions every module shares: RFC 9457 problem details and the refusals mapped to them
 * ({@link org.hybridllm.lifecycle.api.ApiException}), text PostgreSQL can store
 * ({@link org.hybridllm.lifecycle.api.StorableText}), pages, JSON for jsonb columns. Owns no table.
 */
package org.hybridllm.lifecycle.api;
