/**
 * Model versions and the champion / challenger aliases of each use case. Owns model_version and model_alias.
 */
package org.hybridllm.lifecycle.model;
