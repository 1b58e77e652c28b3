package org.hybridllm.lifecycle.webhook;

import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** webhook_delivery: each accepted delivery under its idempotency key, with the answer it got. */
@Repository
class WebhookDeliveries {

    /**
     * A delivery as recorded: the SHA-256 of its body (null for deliveries older than V24) and its answer, replayed
     * byte for byte (both null while it is being processed).
     */
    record Recorded(String sha256, Integer statusCode, String response) {
    }

    private final JdbcClient jdbc;

    WebhookDeliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the idempotency key: true when it is new, or when the delivery that holds it was left unanswered for
     * longer than {@code lease} (its process crashed) with the same body (or one from before bodies were hashed);
     * false otherwise. Two takers of one stale
     * delivery cannot both win: the second waits on the first's row lock and then sees its fresh claim.
     */
    boolean claim(String source, String key, String eventType, String sha256, Duration lease) {
        return jdbc.sql("""
                        insert into webhook_delivery (source, idempotency_key, event_type, request_sha256)
                        values (?, ?, ?, ?)
                        on conflict (source, idempotency_key) do update
                        set claimed_at = now(), request_sha256 = excluded.request_sha256
                        where webhook_delivery.status_code is null
                          and webhook_delivery.claimed_at < now() - make_interval(secs => ?)
                          and (webhook_delivery.request_sha256 is null
                               or webhook_delivery.request_sha256 = excluded.request_sha256)""")
                .params(source, key, eventType, sha256, lease.toMillis() / 1000.0).update() == 1;
    }

    void recordAnswer(String source, String key, int statusCode, String response) {
        jdbc.sql("""
                        update webhook_delivery set status_code = ?, response = ?, answered_at = now()
                        where source = ? and idempotency_key = ?""")
                .params(statusCode, response, source, key).update();
    }

    /** The delivery with this key; empty if there is none. */
    Optional<Recorded> find(String source, String key) {
        return jdbc.sql("""
                        select request_sha256, status_code, response from webhook_delivery
                        where source = ? and idempotency_key = ?""")
                .params(source, key)
                .query((rs, i) -> new Recorded(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3)))
                .optional();
    }
}
