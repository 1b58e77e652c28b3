/**
 * Users, roles and login (form, HTTP basic, OIDC).
 */
package org.hybridllm.lifecycle.security;
