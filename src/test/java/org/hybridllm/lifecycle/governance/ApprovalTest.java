package org.hybridllm.lifecycle.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApprovalTest {

    @Test
    void theReviewPolicySaysWhatTheGateNeedsAndHowFarItHasGot() {
        assertThat(approval(false, 2, List.of("reviewer2")).reviewPolicy()).isEqualTo("Requester unverified: started "
                + "through the engine as 'maria'; needs 2 distinct reviewers, neither of them 'maria', to approve; "
                + "1 of 2 approved (reviewer2).");
        assertThat(approval(true, 1, List.of()).reviewPolicy())
                .isEqualTo("Needs 1 reviewer other than 'maria' to approve (four-eyes); 0 of 1 approved.");
        // decided before V12: unverified, one approval
        assertThat(approval(false, 1, List.of("reviewer")).reviewPolicy()).isEqualTo("Requester unverified: started "
                + "through the engine as 'maria'; needs 1 reviewer other than 'maria' to approve; 1 of 1 approved "
                + "(reviewer).");
    }

    private static Approval approval(boolean verified, int required, List<String> approvedBy) {
        return new Approval(UUID.randomUUID(), UUID.randomUUID(), "MODEL_PROMOTION", Approval.Status.PENDING, "maria",
                "{}", null, null, null, OffsetDateTime.now(), null, null, null, null, verified, required, approvedBy);
    }
}
