package org.hybridllm.lifecycle.provider;

/** Where fine-tuners report progress as it comes (stored in Postgres); recording the same event twice is a no-op. */
public interface FineTuneEventSink {

    void record(String fineTuner, String externalId, FineTuneEvent event);
}
