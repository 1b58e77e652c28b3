/**
 * The console's shell around the pages of the other modules: the branded login page and the HTML error pages
 * (400/403/404/500 in the console's layout; the API keeps answering RFC 9457 problems). Owns no table.
 */
package org.hybridllm.lifecycle.console;
