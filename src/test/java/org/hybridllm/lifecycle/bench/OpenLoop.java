package org.hybridllm.lifecycle.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A load generator at a fixed rate: request i is due at start + i/rate and its latency is measured from that due
 * time, not from when it was sent, so a stalled server is not hidden by fewer requests (no coordinated omission);
 * every answer counts, refusals included.
 */
final class OpenLoop {

    /**
     * @param firstFailure what the first failed request got back (null if none failed)
     * @param byRequest    each request's latency (nanoseconds) in the order they were due; -1 where none came
     */
    record Result(Latencies latencies, int sent, int failed, String firstFailure, long[] byRequest) {

        /** The slowest latency (ms) of each tenth of the run, in order: where in the run a tail happened. */
        String slowestByTenth() {
            StringBuilder tenths = new StringBuilder();
            int size = Math.max(1, byRequest.length / 10);
            for (int from = 0; from < byRequest.length; from += size) {
                long slowest = 0;
                for (int i = from; i < Math.min(byRequest.length, from + size); i++) {
                    slowest = Math.max(slowest, byRequest[i]);
                }
                tenths.append(tenths.isEmpty() ? "" : " ").append(String.format("%.0f", slowest / 1e6));
            }
            return tenths.toString();
        }
    }

    private OpenLoop() {
    }

    static Result run(HttpClient client, IntFunction<HttpRequest> requests, int ratePerSecond, Duration duration) {
        int total = (int) (ratePerSecond * duration.toMillis() / 1000);
        Latencies latencies = new Latencies();
        long[] byRequest = new long[total];
        Arrays.fill(byRequest, -1);
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(total);
        long periodNanos = 1_000_000_000L / ratePerSecond;
        long start = System.nanoTime() + 5_000_000;
        try (ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor()) {
            for (int i = 0; i < total; i++) {
                int index = i;
                long due = start + i * periodNanos;
                scheduler.schedule(() -> client.sendAsync(requests.apply(index), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) -> {
                            if (response != null) {
                                // a refusal is an answer too: leaving its wait out would flatter the percentiles
                                long latency = System.nanoTime() - due;
                                latencies.record(latency);
                                byRequest[index] = latency;
                            }
                            if (error != null || response.statusCode() / 100 != 2) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, error != null ? error.toString()
                                        : response.statusCode() + " " + response.body());
                            }
                            done.countDown();
                        }), due - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            if (!done.await(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("requests still outstanding a minute after the run");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Result(latencies, total, failed.get(), firstFailure.get(), byRequest);
    }
}
