package org.hybridllm.lifecycle.webhook;

import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A test-only crash point, off by default: with {@code lifecycle.faults.halt-after-webhook-events} naming event
 * types, the JVM halts — no shutdown hooks, as a SIGKILL would leave it — once a delivery of one of them is
 * recorded and before it is answered: after the commit of the transaction that claimed it, or at once where the
 * claim is a statement of its own. WebhookKillIT uses it to crash a child app between recording and answering.
 */
@Component
class WebhookFaults {

    private static final Logger log = LoggerFactory.getLogger(WebhookFaults.class);
    /** The exit status of a process killed by SIGKILL (128 + 9). */
    private static final int KILLED = 137;

    private final Set<String> haltAfter;

    WebhookFaults(@Value("${lifecycle.faults.halt-after-webhook-events:}") List<String> haltAfter) {
        this.haltAfter = Set.copyOf(haltAfter.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        if (!this.haltAfter.isEmpty()) {
            log.warn("Fault injection is ON: the JVM halts after recording a webhook delivery of {}", this.haltAfter);
        }
    }

    void deliveryClaimed(String eventType, String key) {
        if (!haltAfter.contains(eventType)) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    halt(eventType, key);
                }
            });
        } else {
            halt(eventType, key);
        }
    }

    private static void halt(String eventType, String key) {
        log.warn("Fault injection: halting after recording the {} delivery {}, before answering it", eventType, key);
        Runtime.getRuntime().halt(KILLED);
    }
}
