package org.hybridllm.lifecycle.model;

/** A use case's champion or challenger changed (promotion, rollback, a new challenger), published in its transaction. */
public record ModelAliasChanged(long useCaseId, String alias) {
}
