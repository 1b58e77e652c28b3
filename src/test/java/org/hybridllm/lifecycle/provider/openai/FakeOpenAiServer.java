package org.hybridllm.lifecycle.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.concurrent.Executors;
import java.io.UncheckedIOException;

/**
 * An in-process server speaking the wire format of OpenAI's chat completions, files and fine-tuning jobs
 * endpoints, with scriptable failures: the official client talks to it exactly as to api.openai.com.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** A scripted answer for the next request: status, headers and an OpenAI error body. */
    public record Failure(int status, Map<String, String> headers, String message) {
    }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final String apiKey;
    private final Deque<Failure> failures = new ConcurrentLinkedDeque<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> requestTimes = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> chatRequests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Map<String, Object>> jobs = new ConcurrentHashMap<>();
    private final Map<String, Integer> retrievals = new ConcurrentHashMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile BiFunction<String, String, String> answerer = (model, input) -> "billing";
    private volatile String failJobsWith;
    private volatile byte[] lastChatRequest;
    private volatile boolean recordingChatRequests;
    private volatile int retrievalsUntilDone = 2;
    private volatile HeldRetrievals heldRetrievals;

    /**
     * Job status reads whose answers are composed but not sent until {@link #release()}: what the client sees
     * when the job changes while an answer is on its way.
     */
    public static final class HeldRetrievals {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Whether a status read is being held (waiting at most the given seconds for one to come). */
        public boolean awaitHeld(long seconds) throws InterruptedException {
            return arrived.await(seconds, TimeUnit.SECONDS);
        }

        public void release() {
            released.countDown();
        }
    }

    public FakeOpenAiServer(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** A started server, for static fields of test classes (no checked exception). */
    public static FakeOpenAiServer started(String apiKey) {
        try {
            return new FakeOpenAiServer(apiKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** How the "model" answers: (model, user message) → assistant text. */
    public void answerWith(BiFunction<String, String, String> answerer) {
        this.answerer = answerer;
    }

    public void failNext(Failure failure) {
        failures.add(failure);
    }

    /** Jobs created from now on fail on their last status step with this provider error message. */
    public void failJobsWith(String message) {
        this.failJobsWith = message;
    }

    /** How many status reads a job needs to finish (one keeps it running for a long time when large). */
    public void finishJobsAfter(int retrievals) {
        this.retrievalsUntilDone = retrievals;
    }

    /** Holds the answers to job status reads from now on; later reads are answered at once after release. */
    public HeldRetrievals holdJobRetrievals() {
        HeldRetrievals held = new HeldRetrievals();
        heldRetrievals = held;
        return held;
    }

    /** The body of the last chat completion request, as the client sent it. */
    public byte[] lastChatRequest() {
        return lastChatRequest;
    }

    /**
     * Keeps every chat completion request from now on (forgetting earlier ones), for {@link #chatRequests()}; off
     * until asked, so that benchmarks' many calls are not held in memory.
     */
    public void recordChatRequests() {
        synchronized (chatRequests) {
            chatRequests.clear();
            recordingChatRequests = true;
        }
    }

    /** The chat completion requests since {@link #recordChatRequests()}, as the client sent them. */
    public List<JsonNode> chatRequests() {
        synchronized (chatRequests) {
            return List.copyOf(chatRequests);
        }
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    public List<Long> requestTimesMillis() {
        return List.copyOf(requestTimes);
    }

    public Map<String, Object> job(String id) {
        return jobs.get(id);
    }

    public byte[] file(String id) {
        return files.get(id);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath().substring("/v1".length());
            String call = exchange.getRequestMethod() + " " + path;
            requests.add(call);
            requestTimes.add(System.currentTimeMillis());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + apiKey).equals(auth)) {
                error(exchange, 401, Map.of(), "Incorrect API key provided.", "invalid_api_key");
                return;
            }
            Failure failure = failures.poll();
            if (failure != null) {
                error(exchange, failure.status(), failure.headers(), failure.message(), null);
                return;
            }
            if (call.equals("POST /chat/completions")) {
                lastChatRequest = body;
                JsonNode request = json.readTree(body);
                if (recordingChatRequests) {
                    chatRequests.add(request);
                }
                chat(exchange, request);
            } else if (call.equals("POST /files")) {
                String id = "file-" + ids.incrementAndGet();
                files.put(id, body);
                send(exchange, 200, Map.of("id", id, "object", "file", "bytes", body.length, "created_at", now(),
                        "filename", "train.jsonl", "purpose", "fine-tune", "status", "processed"));
            } else if (call.equals("POST /fine_tuning/jobs")) {
                createJob(exchange, json.readTree(body));
            } else if (call.equals("GET /fine_tuning/jobs")) {
                String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
                List<Map<String, Object>> matching = jobs.values().stream()
                        .filter(job -> query.contains(String.valueOf(((Map<?, ?>) job.get("metadata"))
                                .get(OpenAiFineTuner.JOB_NAME_KEY))))
                        .toList();
                send(exchange, 200, Map.of("object", "list", "data", matching, "has_more", false));
            } else if (path.matches("/fine_tuning/jobs/[^/]+/events")) {
                events(exchange, path.split("/")[3]);
            } else if (path.matches("/fine_tuning/jobs/[^/]+/cancel")) {
                Map<String, Object> job = jobs.get(path.split("/")[3]);
                job.put("status", "cancelled");
                send(exchange, 200, job);
            } else if (path.matches("/fine_tuning/jobs/[^/]+")) {
                retrieve(exchange, path.split("/")[3]);
            } else {
                error(exchange, 404, Map.of(), "Unknown path " + call, null);
            }
        }
    }

    private void chat(HttpExchange exchange, JsonNode request) throws IOException {
        String model = request.path("model").asText();
        String user = "";
        int promptChars = 0;
        for (JsonNode message : request.path("messages")) {
            promptChars += message.path("content").asText().length();
            if (message.path("role").asText().equals("user")) {
                user = message.path("content").asText();
            }
        }
        if (model.startsWith("ft:") && jobs.values().stream().noneMatch(j -> model.equals(j.get("fine_tuned_model")))) {
            error(exchange, 404, Map.of(), "The model '" + model + "' does not exist", "model_not_found");
            return;
        }
        String answer = answerer.apply(model, user);
        int promptTokens = Math.max(1, promptChars / 4);
        send(exchange, 200, Map.of("id", "chatcmpl-" + ids.incrementAndGet(), "object", "chat.completion",
                "created", now(), "model", model,
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", answer))),
                "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", 2,
                        "total_tokens", promptTokens + 2)));
    }

    private void createJob(HttpExchange exchange, JsonNode request) throws IOException {
        String id = "ftjob-" + ids.incrementAndGet();
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", id);
        job.put("object", "fine_tuning.job");
        job.put("created_at", now());
        job.put("error", null);
        job.put("fine_tuned_model", null);
        job.put("finished_at", null);
        job.put("hyperparameters", Map.of("n_epochs", request.path("hyperparameters").path("n_epochs").asLong(3),
                "batch_size", 8, "learning_rate_multiplier", 1.8));
        job.put("model", request.path("model").asText());
        job.put("organization_id", "org-fake");
        job.put("result_files", List.of());
        job.put("seed", 42);
        job.put("status", "validating_files");
        job.put("trained_tokens", null);
        job.put("training_file", request.path("training_file").asText());
        job.put("validation_file", request.path("validation_file").asText());
        job.put("metadata", json.convertValue(request.path("metadata"), Map.class));
        job.put("suffix_requested", request.path("suffix").asText(null));
        job.put("fail_with", failJobsWith);
        jobs.put(id, job);
        send(exchange, 200, job);
    }

    private void retrieve(HttpExchange exchange, String id) throws IOException {
        Map<String, Object> job = jobs.get(id);
        if (job == null) {
            error(exchange, 404, Map.of(), "No such job " + id, null);
            return;
        }
        int seen = retrievals.merge(id, 1, Integer::sum);
        String status = (String) job.get("status");
        if (!status.equals("cancelled") && !status.equals("succeeded") && !status.equals("failed")) {
            if (seen >= retrievalsUntilDone) {
                if (job.get("fail_with") != null) {
                    job.put("status", "failed");
                    job.put("error", Map.of("code", "invalid_training_file", "message", job.get("fail_with"),
                            "param", "training_file"));
                } else {
                    job.put("status", "succeeded");
                    job.put("fine_tuned_model", "ft:" + job.get("model") + ":org-fake::" + id);
                    job.put("trained_tokens", 12345);
                }
                job.put("finished_at", now());
            } else {
                job.put("status", "running");
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>(job);
        HeldRetrievals held = heldRetrievals;
        if (held != null) {
            heldRetrievals = null;
            held.arrived.countDown();
            try {
                held.released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        send(exchange, 200, answer);
    }

    private void events(HttpExchange exchange, String id) throws IOException {
        List<Map<String, Object>> events = new ArrayList<>();
        int steps = Math.min(retrievals.getOrDefault(id, 0) * 3, 9);
        for (int step = 1; step <= steps; step++) {
            events.add(0, Map.of("id", id + "-ev" + step, "object", "fine_tuning.job.event", "created_at", now(),
                    "level", "info", "message", "Step " + step + ": training loss=" + (2.0 / step), "type", "metrics",
                    "data", Map.of("step", step, "train_loss", 2.0 / step, "valid_loss", 2.2 / step)));
        }
        send(exchange, 200, Map.of("object", "list", "data", events, "has_more", false));
    }

    private void error(HttpExchange exchange, int status, Map<String, String> headers, String message, String code)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", status == 401 ? "invalid_request_error" : "server_error");
        error.put("param", null);
        error.put("code", code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        send(exchange, status, body);
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
