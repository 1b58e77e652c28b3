package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * outbox_message: Zeebe messages written in the same transaction as the state change they announce, published
 * by {@link OutboxPublisher} after commit (at once, and by a poll that catches whatever a crash left behind).
 */
@Repository
public class Outbox {

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final OutboxPublisher publisher;

    public Outbox(JdbcClient jdbc, ObjectMapper json, OutboxPublisher publisher) {
        this.jdbc = jdbc;
        this.json = json;
        this.publisher = publisher;
    }

    /** The variables of the latest message of that name and correlation key the app wrote, as JSON. */
    Optional<String> latestVariables(String messageName, String correlationKey) {
        return jdbc.sql("""
                        select variables::text from outbox_message where message_name = ? and correlation_key = ?
                        order by id desc limit 1""")
                .params(messageName, correlationKey)
                .query(String.class)
                .optional();
    }

    public void enqueue(String messageName, String correlationKey, Map<String, Object> variables) {
        try {
            jdbc.sql("insert into outbox_message (message_name, correlation_key, variables) values (?, ?, ?::jsonb)")
                    .params(messageName, correlationKey, json.writeValueAsString(variables))
                    .update();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publisher.publishPendingSoon();
                }
            });
        }
    }
}
