package org.hybridllm.lifecycle.scoring;

/** One question put to a judge and its reply. */
public record JudgeCall(String system, String user, JudgeReply reply) {
}
