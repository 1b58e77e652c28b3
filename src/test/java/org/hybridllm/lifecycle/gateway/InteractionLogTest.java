package org.hybridllm.lifecycle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The interaction log's writer against a database that refuses some rows or fails for a while: no call holds up
 * the ones behind it, refused ones are quarantined with the database's reason, transient failures are retried.
 */
class InteractionLogTest {

    /** The rows the "database" took, the statements it was sent, and what it refuses. */
    static final class FakeCalls extends GatewayCallRepository {
        final List<GatewayCall> stored = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> statementSizes = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger transientFailuresLeft = new AtomicInteger();
        /** The number (from 1) of a statement that fails transiently, once; 0 for none. */
        final AtomicInteger transientStatement = new AtomicInteger();

        FakeCalls() {
            super(null, null);
        }

        @Override
        void insert(List<GatewayCall> calls, List<Integer> savedPromptTokens) {
            statementSizes.add(calls.size());
            if (transientFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || transientStatement.compareAndSet(statementSizes.size(), 0)) {
                throw new DataAccessResourceFailureException("connection lost",
                        new SQLException("An I/O error occurred while sending to the backend.", "08006"));
            }
            for (GatewayCall call : calls) {
                if (call.input().contains("poison")) {
                    throw new DataIntegrityViolationException("refused", new SQLException(
                            "new row for relation \"interaction\" violates check constraint \"no_poison\"", "23514"));
                }
                if (call.input().indexOf(0) >= 0) {
                    throw new IllegalStateException("the log writer sent a NUL to the database");
                }
            }
            stored.addAll(calls);
        }
    }

    record Quarantined(GatewayCall call, String sqlState, String reason) {
    }

    static final class FakeQuarantine extends InteractionQuarantine {
        final List<Quarantined> rows = Collections.synchronizedList(new ArrayList<>());

        FakeQuarantine() {
            super(null);
        }

        @Override
        void insert(GatewayCall call, Integer savedPromptTokens, String sqlState, String reason) {
            rows.add(new Quarantined(call, sqlState, reason));
        }
    }

    final FakeCalls calls = new FakeCalls();
    final FakeQuarantine quarantine = new FakeQuarantine();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    InteractionLog log;

    InteractionLog start(int batchSize) {
        log = new InteractionLog(calls, quarantine, null, new GatewayMetrics(meters),
                new GatewayProperties(1000, batchSize, Duration.ofMillis(20), Duration.ofSeconds(30)));
        return log;
    }

    @AfterEach
    void stop() {
        if (log != null) {
            log.stop();
        }
    }

    static GatewayCall call(String input) {
        return new GatewayCall(UUID.randomUUID(), 1, 2, 3, "champion", 4, "user-1", input, "billing", 10, 1, 1.5,
                BigDecimal.ONE, OffsetDateTime.now(), null, null, null);
    }

    @Test
    void aCallWithTextPostgresCannotStoreIsQuarantinedWithoutHoldingUpTheOthers() {
        InteractionLog log = start(500);
        List<GatewayCall> offered = new ArrayList<>();
        offered.add(call("before"));
        offered.add(call("nul \u0000 here"));
        offered.add(call("lone \ud800 surrogate"));
        for (int i = 0; i < 200; i++) {
            offered.add(call("ticket " + i));
        }
        offered.forEach(log::offer); // queued before the writer starts: one batch holds them all
        log.start();
        assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();

        assertThat(calls.stored).hasSize(201).doesNotContain(offered.get(1), offered.get(2));
        assertThat(calls.statementSizes).as("never sent to the database: one insert for the rest").containsExactly(201);
        assertThat(quarantine.rows).extracting(Quarantined::call).containsExactly(offered.get(1), offered.get(2));
        assertThat(quarantine.rows.get(0).sqlState()).isNull();
        assertThat(quarantine.rows.get(0).reason())
                .isEqualTo("text PostgreSQL cannot store: input holds U+0000 (NUL) at index 4");
        assertThat(quarantine.rows.get(1).reason()).contains("unpaired surrogate U+D800 at index 5");
        assertThat(meters.get("lifecycle.gateway.log.quarantined").counter().count()).isEqualTo(2);
        assertThat(meters.get("lifecycle.gateway.log.written").counter().count()).isEqualTo(201);
    }

    @Test
    void aBatchTheDatabaseRefusesIsWrittenRowByRowAndTheRefusedRowQuarantinedWithItsSqlState() {
        InteractionLog log = start(500);
        List<GatewayCall> offered = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            offered.add(call(i == 3 ? "poison" : "ticket " + i));
        }
        offered.forEach(log::offer);
        log.start();
        assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();

        assertThat(calls.stored).hasSize(9).doesNotContain(offered.get(3));
        assertThat(calls.statementSizes).as("the batch, then each call on its own")
                .containsExactly(10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(quarantine.rows).singleElement().satisfies(q -> {
            assertThat(q.call()).isEqualTo(offered.get(3));
            assertThat(q.sqlState()).isEqualTo("23514");
            assertThat(q.reason()).contains("violates check constraint");
        });
        assertThat(meters.get("lifecycle.gateway.log.quarantined").counter().count()).isEqualTo(1);

        // the next calls are batched again
        calls.statementSizes.clear();
        for (int i = 0; i < 5; i++) {
            log.offer(call("later " + i));
        }
        assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(calls.stored).hasSize(14);
        assertThat(calls.statementSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5);
        assertThat(calls.statementSizes).allMatch(size -> size >= 1).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void aTransientFailureIsRetriedWithTheSameBatchAndQuarantinesNothing() {
        InteractionLog log = start(500);
        calls.transientFailuresLeft.set(3);
        for (int i = 0; i < 50; i++) {
            log.offer(call("ticket " + i));
        }
        log.start();
        assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();

        assertThat(calls.stored).hasSize(50);
        assertThat(calls.statementSizes).containsExactly(50, 50, 50, 50);
        assertThat(quarantine.rows).isEmpty();
        assertThat(meters.get("lifecycle.gateway.log.dropped").counter().count()).isZero();
    }

    @Test
    void aTransientFailureWhileWritingRowByRowRetriesThatRow() {
        InteractionLog log = start(500);
        List<GatewayCall> offered = List.of(call("a"), call("poison"), call("b"));
        offered.forEach(log::offer);
        calls.transientStatement.set(3); // the batch is refused, "a" is written, then the connection drops
        log.start();
        assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();

        assertThat(calls.statementSizes).as("batch, a, poison (connection lost), poison again (refused), b")
                .containsExactly(3, 1, 1, 1, 1);
        assertThat(calls.stored).containsExactly(offered.get(0), offered.get(2));
        assertThat(quarantine.rows).singleElement().satisfies(q -> {
            assertThat(q.call()).isEqualTo(offered.get(1));
            assertThat(q.sqlState()).as("the refusal, not the connection loss").isEqualTo("23514");
        });
    }
}
