package org.hybridllm.lifecycle.webhook;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** webhook_delivery: each accepted delivery under its idempotency key, with the answer it got. */
@Repository
class WebhookDeliveries {

    /** A delivery's recorded answer, replayed byte for byte. */
    record Answer(int statusCode, String response) {
    }

    private final JdbcClient jdbc;

    WebhookDeliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the idempotency key; false when another delivery with it came first. */
    boolean claim(String source, String key, String eventType) {
        return jdbc.sql("""
                        insert into webhook_delivery (source, idempotency_key, event_type) values (?, ?, ?)
                        on conflict (source, idempotency_key) do nothing""")
                .params(source, key, eventType).update() == 1;
    }

    void recordAnswer(String source, String key, int statusCode, String response) {
        jdbc.sql("""
                        update webhook_delivery set status_code = ?, response = ?, answered_at = now()
                        where source = ? and idempotency_key = ?""")
                .params(statusCode, response, source, key).update();
    }

    /** The answer of the delivery with this key; empty while it is still being processed (or if there is none). */
    Optional<Answer> answer(String source, String key) {
        return jdbc.sql("""
                        select status_code, response from webhook_delivery
                        where source = ? and idempotency_key = ? and status_code is not null""")
                .params(source, key).query((rs, i) -> new Answer(rs.getInt(1), rs.getString(2))).optional();
    }
}
