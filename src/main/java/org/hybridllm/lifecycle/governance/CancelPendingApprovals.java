package org.hybridllm.lifecycle.governance;

import org.hybridllm.lifecycle.run.RunCancelled;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** A cancelled run has nothing left to approve: its pending gates close in the cancelling transaction. */
@Component
class CancelPendingApprovals {

    private final ApprovalRepository approvals;

    CancelPendingApprovals(ApprovalRepository approvals) {
        this.approvals = approvals;
    }

    @EventListener
    void on(RunCancelled event) {
        approvals.cancelPending(event.runId(), event.cancelledBy(), event.reason());
    }
}
