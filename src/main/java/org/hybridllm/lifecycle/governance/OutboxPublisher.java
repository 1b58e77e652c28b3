package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox messages to Zeebe. The message id is the outbox row's random {@code message_id}, so a message
 * published twice (a crash between publish and mark) is still correlated once, and nobody can guess it: Zeebe
 * refuses a message whose name, correlation key and id match one still buffered, and this publisher takes that
 * refusal as "already published", so a message published first under a guessable id (the row's sequence number, as
 * it was) would have swallowed the real one. The time-to-live covers an instance that has not reached its catch
 * event yet.
 */
@Component
public class OutboxPublisher {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final TypeReference<Map<String, Object>> VARIABLES = new TypeReference<>() { };
    private static final Duration TIME_TO_LIVE = Duration.ofDays(1);

    private record Pending(long id, String messageId, String messageName, String correlationKey, String variables) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final CamundaClient camunda;
    private final ObjectMapper json;
    private final Executor executor = Executors.newVirtualThreadPerTaskExecutor();

    public OutboxPublisher(JdbcClient jdbc, TransactionTemplate transaction, CamundaClient camunda, ObjectMapper json) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.camunda = camunda;
        this.json = json;
    }

    void publishPendingSoon() {
        executor.execute(this::publishPending);
    }

    @Scheduled(fixedDelayString = "${lifecycle.outbox.poll-interval:PT0.5S}")
    public void publishPending() {
        try {
            Integer published;
            do {
                published = transaction.execute(status -> publishBatch());
            } while (published != null && published > 0);
        } catch (RuntimeException e) {
            log.warn("Publishing outbox messages failed; will retry: {}", e.toString());
        }
    }

    private int publishBatch() {
        List<Pending> batch = jdbc.sql("""
                        select id, message_id::text, message_name, correlation_key, variables::text from outbox_message
                        where published_at is null order by id limit 50 for update skip locked""")
                .query((rs, i) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)))
                .list();
        for (Pending message : batch) {
            try {
                camunda.newPublishMessageCommand()
                        .messageName(message.messageName())
                        .correlationKey(message.correlationKey())
                        .messageId("outbox-" + message.messageId())
                        .timeToLive(TIME_TO_LIVE)
                        .variables(json.readValue(message.variables(), VARIABLES))
                        .send()
                        .join();
                jdbc.sql("update outbox_message set published_at = now(), attempts = attempts + 1 where id = ?")
                        .param(message.id()).update();
            } catch (Exception e) {
                if (isAlreadyPublished(e)) {
                    jdbc.sql("update outbox_message set published_at = now() where id = ?").param(message.id()).update();
                    continue;
                }
                jdbc.sql("update outbox_message set attempts = attempts + 1, last_error = ? where id = ?")
                        .params(e.toString(), message.id()).update();
                log.warn("Outbox message {} not published yet: {}", message.id(), e.toString());
                return 0; // the engine is unreachable: stop this round, the poll retries
            }
        }
        return batch.size();
    }

    private static boolean isAlreadyPublished(Exception e) {
        // Zeebe refuses a second message with the same id while the first is buffered: it is already there
        return String.valueOf(e.getMessage()).contains("ALREADY_EXISTS");
    }
}
