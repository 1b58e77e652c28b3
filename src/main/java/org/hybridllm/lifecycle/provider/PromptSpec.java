package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A prompt version's content: a chat template. Its messages (system, user, assistant) hold {@code {{variables}}};
 * the last message is the user turn that carries the input. {@code {{input}}} is the whole input; any other
 * variable is a field of an input given as a JSON object of named variables. Few-shot examples become user /
 * assistant turns between the template's first messages and the input turn.
 *
 * @param messages          the template; the last one is a user message with at least one variable
 * @param fewShot           worked examples shown to the model
 * @param labelDescriptions classification only: whether the labels' descriptions are shown to the model
 * @param settings          temperature and max tokens (null fields: the provider's defaults)
 * @param responseFormat    text, json_object, or json_schema (the use case's output schema, for extraction)
 */
public record PromptSpec(List<ChatMessage> messages, List<FewShotExample> fewShot, boolean labelDescriptions,
                         ModelSettings settings, ResponseFormat responseFormat) {

    public static final String INPUT_VARIABLE = "input";
    public static final String INPUT_PLACEHOLDER = "{{input}}";
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public PromptSpec {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages: a prompt needs at least one message");
        }
        messages = List.copyOf(messages);
        ChatMessage last = messages.getLast();
        if (!last.role().equals(ChatMessage.USER) || variablesOf(last.content()).isEmpty()) {
            throw new IllegalArgumentException("messages: the last message must be the user turn and contain a "
                    + "variable such as " + INPUT_PLACEHOLDER);
        }
        fewShot = fewShot == null ? List.of() : List.copyOf(fewShot);
        settings = settings == null ? ModelSettings.DEFAULTS : settings;
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
    }

    /** The shape classification prompts had before chat templates: an instruction and an input template. */
    public PromptSpec(String instruction, String inputTemplate, boolean labelDescriptions,
                      List<FewShotExample> fewShot) {
        this(legacyMessages(instruction, inputTemplate), fewShot, labelDescriptions, null, null);
    }

    /** Reads both shapes: chat templates, and the instruction + input template of earlier versions. */
    @JsonCreator
    static PromptSpec fromJson(@JsonProperty("messages") List<ChatMessage> messages,
                               @JsonProperty("fewShot") List<FewShotExample> fewShot,
                               @JsonProperty("labelDescriptions") boolean labelDescriptions,
                               @JsonProperty("settings") ModelSettings settings,
                               @JsonProperty("responseFormat") ResponseFormat responseFormat,
                               @JsonProperty("instruction") String instruction,
                               @JsonProperty("inputTemplate") String inputTemplate) {
        List<ChatMessage> template = messages != null ? messages : legacyMessages(instruction, inputTemplate);
        return new PromptSpec(template, fewShot, labelDescriptions, settings, responseFormat);
    }

    private static List<ChatMessage> legacyMessages(String instruction, String inputTemplate) {
        if (inputTemplate == null || !inputTemplate.contains(INPUT_PLACEHOLDER)) {
            throw new IllegalArgumentException("inputTemplate must contain " + INPUT_PLACEHOLDER);
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (instruction != null && !instruction.isBlank()) {
            messages.add(ChatMessage.system(instruction));
        }
        messages.add(ChatMessage.user(inputTemplate));
        return messages;
    }

    /** The system messages' text: what the model is asked to do. */
    public String instruction() {
        return messages.stream().filter(m -> m.role().equals(ChatMessage.SYSTEM)).map(ChatMessage::content)
                .collect(Collectors.joining("\n"));
    }

    /** The input turn's template. */
    public String inputTemplate() {
        return messages.getLast().content();
    }

    /** Classification: the text a model sees for a label — the instruction, the label and (if shown) its description. */
    public String describe(LabelSpec label) {
        String text = instruction() + " Category: " + label.label().replace('_', ' ') + ".";
        return labelDescriptions ? text + " " + label.description() : text;
    }

    /** Every variable the template uses. */
    public Set<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        messages.forEach(m -> names.addAll(variablesOf(m.content())));
        return names;
    }

    /** The input turn with the input filled in. */
    public String render(String input) {
        return fill(inputTemplate(), input);
    }

    /**
     * The conversation a chat model is sent: the template's messages before the input turn (the first system
     * message extended by {@code systemSuffix}, e.g. the labels to choose from), the few-shot turns, then the
     * input turn, every variable filled in.
     */
    public List<ChatMessage> conversation(String input, String systemSuffix) {
        List<ChatMessage> out = new ArrayList<>();
        boolean suffixed = systemSuffix == null || systemSuffix.isEmpty();
        for (ChatMessage message : messages.subList(0, messages.size() - 1)) {
            String content = fill(message.content(), input);
            if (!suffixed && message.role().equals(ChatMessage.SYSTEM)) {
                content = content.strip() + "\n" + systemSuffix;
                suffixed = true;
            }
            out.add(new ChatMessage(message.role(), content));
        }
        if (!suffixed) {
            out.addFirst(ChatMessage.system(systemSuffix));
        }
        for (FewShotExample example : fewShot) {
            out.add(ChatMessage.user(render(example.input())));
            out.add(ChatMessage.assistant(example.outputText()));
        }
        out.add(ChatMessage.user(render(input)));
        return out;
    }

    private static Set<String> variablesOf(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = VARIABLE.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * Fills a template's variables: {@code {{input}}} with the whole input, others with the fields of an input that
     * is a JSON object. A variable the input does not provide is an error that names it.
     */
    static String fill(String template, String input) {
        Matcher matcher = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        JsonNode fields = null;
        while (matcher.find()) {
            String name = matcher.group(1);
            String value;
            if (name.equals(INPUT_VARIABLE)) {
                value = input;
            } else {
                if (fields == null) {
                    fields = fieldsOf(input);
                }
                JsonNode field = fields.get(name);
                if (field == null || field.isNull()) {
                    throw new IllegalArgumentException("input: the prompt needs the variable '" + name
                            + "', which the input does not provide");
                }
                value = field.isTextual() ? field.asText() : field.toString();
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static JsonNode fieldsOf(String input) {
        try {
            JsonNode node = JSON.readTree(input);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException notJson) {
            // falls through: a plain text input has no named variables
        }
        return JSON.createObjectNode();
    }
}
