package org.hybridllm.lifecycle.scoring;

/** A chat model that grades outputs: one system and one user message in, its reply out. */
public interface Judge {

    JudgeReply ask(String system, String user);
}
