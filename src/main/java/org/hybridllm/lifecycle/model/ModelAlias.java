package org.hybridllm.lifecycle.model;

import java.time.OffsetDateTime;

/** champion serves the use case; challenger is a candidate that beat it and waits for its review (canary). */
public record ModelAlias(long useCaseId, String alias, long modelVersionId, long promptVersionId, String updatedBy,
                         OffsetDateTime updatedAt) {

    public static final String CHAMPION = "champion";
    public static final String CHALLENGER = "challenger";
}
