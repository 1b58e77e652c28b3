/**
 * HTTP and JSON conventions every module shares: RFC 9457 problem details, pages, JSON for jsonb columns.
 */
package org.hybridllm.lifecycle.api;
