/**
 * The monitor process ({@code lifecycle-monitor}, bpmn/lifecycle-monitor.bpmn): one instance per use case with a
 * champion, a timer loop of drift checks over the gateway traffic and feedback since the last check (live
 * quality, input drift against the champion's training inputs, output drift per task kind, latency and cost); a
 * tripped check starts the next lifecycle run with its evidence, as a {@code drift.alert} webhook does. Owns
 * drift_check and use_case_monitor.
 */
package org.hybridllm.lifecycle.monitor;
