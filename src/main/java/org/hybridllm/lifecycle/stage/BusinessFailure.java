package org.hybridllm.lifecycle.stage;

/**
 * A failure that retrying will not fix (e.g. a provider refusing our credentials): the stage executor turns it
 * into a BPMN error with this code, so the process takes its modelled path instead of retrying.
 */
public interface BusinessFailure {

    String errorCode();

    String getMessage();
}
