package org.hybridllm.lifecycle.stage;

import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A test-only crash point, off by default: with {@code lifecycle.faults.halt-after-stages} naming job types
 * (comma-separated), the JVM halts — no shutdown hooks, as a SIGKILL would leave it — the moment a stage of one of
 * those types has committed its ledger row, before the engine hears that the job completed. The fault-injection
 * suite (FaultInjectionIT) uses it to crash a child app at every stage boundary deterministically. A stage whose
 * output was already recorded (a resumed run) does not record again, so the same list may be given to every
 * restart: each one runs to the next boundary.
 */
@Component
class FaultInjection {

    private static final Logger log = LoggerFactory.getLogger(FaultInjection.class);
    /** The exit status of a process killed by SIGKILL (128 + 9). */
    static final int KILLED = 137;

    private final Set<String> haltAfter;

    FaultInjection(@Value("${lifecycle.faults.halt-after-stages:}") List<String> haltAfter) {
        this.haltAfter = Set.copyOf(haltAfter.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        if (!this.haltAfter.isEmpty()) {
            log.warn("Fault injection is ON: the JVM halts after recording a stage of {}", this.haltAfter);
        }
    }

    /** Inside the transaction that records a stage of this job type: halts once it has committed, if listed. */
    void stageRecorded(String jobType, String stage) {
        if (haltAfter.contains(jobType)) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    log.warn("Fault injection: halting after recording stage {}", stage);
                    Runtime.getRuntime().halt(KILLED);
                }
            });
        }
    }
}
