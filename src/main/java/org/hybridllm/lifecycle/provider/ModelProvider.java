package org.hybridllm.lifecycle.provider;

import java.util.List;

/** Port: runs a prompt version on inputs and reports outputs, tokens, latency and cost. */
public interface ModelProvider {

    /** The adapter name use cases refer to, e.g. {@code local}. */
    String name();

    /** One completion per input, in input order. */
    List<Completion> complete(ModelRequest request);
}
