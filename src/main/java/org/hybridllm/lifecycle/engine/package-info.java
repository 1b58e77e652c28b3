/**
 * The Zeebe engine the app talks to: the embedded engine (one per JVM) or a remote cluster.
 */
package org.hybridllm.lifecycle.engine;
