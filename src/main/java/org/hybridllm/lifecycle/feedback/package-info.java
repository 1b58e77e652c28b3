/**
 * Stage "feedback": logged interactions and user feedback (ratings, corrections, failures) and their intake over
 * REST, webhook and gateway; summarises what arrived since the last cycle. Owns interaction and feedback.
 */
package org.hybridllm.lifecycle.feedback;
