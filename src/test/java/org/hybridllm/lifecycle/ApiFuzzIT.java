package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint the app maps (RequestMappingHandlerMapping; the gateway's /v1 has its own tests), called by each
 * role with hostile input: U+0000 and lone surrogates in path variables, query and form parameters and every
 * field of a JSON body, 1 MB strings, JSON nested 10,000 deep, values of the wrong JSON type. None may be answered
 * with a 5xx, and a refusal of a field names it.
 */
@AppTest
class ApiFuzzIT {

    private static final String NUL = "a\u0000b";
    private static final String LONE_SURROGATE = "lone-surrogate-" + UUID.randomUUID();
    private static final String HUGE = "x".repeat(1 << 20);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+)(:[^}]*)?}");
    /** user, password, the roles the console's login would give */
    private static final List<String[]> CALLERS = List.of(
            new String[] {"admin", "admin-dev", "ADMIN,ENGINEER,REVIEWER"},
            new String[] {"engineer", "engineer-dev", "ENGINEER"},
            new String[] {"reviewer", "reviewer-dev", "REVIEWER"});

    @Autowired
    MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final ObjectMapper json = new ObjectMapper();
    final List<String> failures = new ArrayList<>();
    int requests;

    @Test
    void noHostileInputGetsA5xxAndRefusalsNameTheField() throws Exception {
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            for (String pattern : entry.getKey().getPatternValues()) {
                if (pattern.startsWith("/v1") || pattern.equals("/error")) {
                    continue;
                }
                List<HttpMethod> methods = entry.getKey().getMethodsCondition().getMethods().stream()
                        .map(RequestMethod::asHttpMethod).toList();
                for (HttpMethod method : methods.isEmpty() ? List.of(HttpMethod.GET) : methods) {
                    fuzz(method, pattern, entry.getKey(), entry.getValue());
                }
            }
        }
        assertThat(requests).isGreaterThan(500);
        assertThat(failures).as("%d of %d requests", failures.size(), requests).isEmpty();
    }

    @Test
    void revokingAnUnknownKeyIsNotFound() throws Exception {
        for (String id : List.of("987654321", "0", "-1")) {
            MockHttpServletResponse response = mvc.perform(MockMvcRequestBuilders
                            .post(URI.create("/api/gateway/keys/" + id + "/revoke"))
                            .with(httpBasic("admin", "admin-dev"))).andReturn().getResponse();
            assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(404);
            assertThat(json.readTree(response.getContentAsString()).path("type").asText())
                    .isEqualTo("https://hybridllm.org/problems/gateway-key-not-found");
        }
        for (String id : List.of("%7Bid%7D", "nope", "a%7Cb", "99999999999999999999")) {
            MockHttpServletResponse response = mvc.perform(MockMvcRequestBuilders
                            .post(URI.create("/api/gateway/keys/" + id + "/revoke"))
                            .with(httpBasic("admin", "admin-dev"))).andReturn().getResponse();
            assertThat(response.getStatus()).as(id + ": " + response.getContentAsString()).isEqualTo(400);
            assertThat(json.readTree(response.getContentAsString()).path("field").asText()).isEqualTo("id");
        }
    }

    private void fuzz(HttpMethod method, String pattern, RequestMappingInfo info, HandlerMethod handler)
            throws Exception {
        List<String> variables = new ArrayList<>();
        Matcher matcher = VARIABLE.matcher(pattern);
        while (matcher.find()) {
            variables.add(matcher.group(1));
        }
        Map<String, String> plausible = new LinkedHashMap<>(); // a value of each path variable's type
        List<String> queryParameters = new ArrayList<>();
        Class<?> bodyType = null;
        for (Parameter parameter : handler.getMethod().getParameters()) {
            PathVariable path = parameter.getAnnotation(PathVariable.class);
            if (path != null) {
                String name = !path.name().isEmpty() ? path.name() : !path.value().isEmpty() ? path.value()
                        : parameter.getName();
                plausible.put(name, parameter.getType() == UUID.class ? UUID.randomUUID().toString()
                        : parameter.getType() == String.class ? "fuzz" : "1");
            }
            RequestParam query = parameter.getAnnotation(RequestParam.class);
            if (query != null) {
                String name = !query.name().isEmpty() ? query.name() : !query.value().isEmpty() ? query.value()
                        : parameter.getName();
                queryParameters.add(Map.class.isAssignableFrom(parameter.getType()) ? "comment" : name);
            }
            if (parameter.getAnnotation(RequestBody.class) != null) {
                bodyType = parameter.getType();
            }
        }
        String plain = fill(pattern, plausible, null, null);
        MediaType bodyMediaType = info.getConsumesCondition().getConsumableMediaTypes().stream()
                .filter(type -> !type.isWildcardType()).findFirst().orElse(MediaType.APPLICATION_JSON);
        boolean hasBody = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;

        for (String[] caller : CALLERS) {
            // path variables that cannot be stored, and ones that are not even a valid URI's path
            for (String variable : variables) {
                for (String value : List.of("a%00b", "%ED%A0%80", "%7Bid%7D", "a%20%7C%22b")) {
                    expect(caller, method, fill(pattern, plausible, variable, value), null, null, null,
                            value.startsWith("a%00") ? variable : null);
                }
            }
            // query and form parameters
            for (String name : queryParameters) {
                expect(caller, method, plain + "?" + name + "=a%00b", null, null, null, name);
                expect(caller, method, plain + "?" + name + "=" + "x".repeat(100_000), null, null, null, null);
            }
            expect(caller, method, plain, hasBody ? MediaType.APPLICATION_JSON : null, hasBody ? "{}" : null,
                    null, null);
            if (!hasBody || caller != CALLERS.get(0)) {
                continue; // the admin holds every role: bodies are fuzzed once, by the admin
            }
            Map<String, String> generic = new LinkedHashMap<>();
            generic.put("nested arrays", "[".repeat(10_000) + "]".repeat(10_000));
            generic.put("nested objects", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000));
            generic.put("huge string", json.writeValueAsString(HUGE));
            generic.put("NUL string", json.writeValueAsString(NUL));
            generic.put("NUL key", "{\"a\\u0000\": 1}");
            generic.put("lone surrogate", "{\"x\": \"\\ud800\"}");
            generic.put("array", "[]");
            generic.put("number", "1");
            generic.put("null", "null");
            generic.put("not JSON", "{\"a\": ");
            for (Map.Entry<String, String> body : generic.entrySet()) {
                expect(caller, method, plain, bodyMediaType, body.getValue(), body.getKey(), null);
            }
            if (bodyType != null && bodyType.isRecord()) {
                for (RecordComponent component : bodyType.getRecordComponents()) {
                    fuzzField(caller, method, plain, bodyMediaType, component);
                }
            }
        }
    }

    /** One field of a JSON body at a time: text that cannot be stored, a huge one, values of the wrong type. */
    private void fuzzField(String[] caller, HttpMethod method, String path, MediaType mediaType,
                           RecordComponent component) throws Exception {
        String name = component.getName();
        boolean text = component.getType() == String.class;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("NUL", NUL);
        values.put("lone surrogate", LONE_SURROGATE); // written as the escape below: Jackson would write a '?'

        values.put("huge", HUGE);
        values.put("number", 12345);
        values.put("object", Map.of("a", NUL));
        values.put("array", List.of(NUL, Map.of("b", NUL)));
        values.put("boolean", true);
        values.put("NUL in a list", List.of(Map.of("input", NUL, "label", NUL, "note", NUL)));
        for (Map.Entry<String, Object> value : values.entrySet()) {
            String body = json.writeValueAsString(Map.of(name, value.getValue()))
                    .replace(LONE_SURROGATE, "x\\ud800");
            boolean mustName = value.getKey().equals("NUL") || value.getKey().equals("lone surrogate")
                    || (text && (value.getKey().equals("object") || value.getKey().equals("array")));
            expect(caller, method, path, mediaType, body, name + "=" + value.getKey(), mustName ? name : null);
        }
    }

    /**
     * One request: never a 5xx; a 400 for input naming {@code field} must name that field (or a field inside it).
     */
    private void expect(String[] caller, HttpMethod method, String uri, MediaType mediaType, String body,
                        String what, String field) throws Exception {
        MockHttpServletRequestBuilder request = MockMvcRequestBuilders.request(method, URI.create(uri));
        if (uri.startsWith("/console")) {
            request.with(user(caller[0]).roles(caller[2].split(","))).with(csrf());
        } else {
            request.with(httpBasic(caller[0], caller[1]));
        }
        if (body != null) {
            request.contentType(mediaType).content(body);
        }
        requests++;
        long started = System.nanoTime();
        MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (millis > 2_000) {
            System.out.println("ApiFuzzIT: slow (" + millis + " ms): " + caller[0] + " " + method + " "
                    + abbreviate(uri) + " " + what);
        }
        String label = caller[0] + " " + method + " " + abbreviate(uri) + (what == null ? "" : " [" + what + "]");
        if (response.getStatus() >= 500) {
            failures.add(label + " → " + response.getStatus() + " " + abbreviate(response.getContentAsString()));
            return;
        }
        if (field != null && response.getStatus() == 400 && isJson(response)) {
            JsonNode problem = json.readTree(response.getContentAsString());
            String named = problem.path("field").asText("");
            if (!(named.equals(field) || named.startsWith(field + ".") || named.startsWith(field + "["))) {
                failures.add(label + " → 400 naming '" + named + "', not '" + field + "': "
                        + abbreviate(response.getContentAsString()));
            }
        }
    }

    private static boolean isJson(MockHttpServletResponse response) {
        return response.getContentType() != null && response.getContentType().contains("json");
    }

    /** The pattern with {@code variable} (if any) set to {@code value}, the others to a plausible value. */
    private static String fill(String pattern, Map<String, String> plausible, String variable, String value) {
        Matcher matcher = VARIABLE.matcher(pattern.replace("/**", "/x"));
        StringBuilder uri = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group(1).equals(variable) ? value
                    : plausible.getOrDefault(matcher.group(1), "1");
            matcher.appendReplacement(uri, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(uri);
        return uri.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
