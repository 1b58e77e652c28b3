package org.hybridllm.lifecycle.usecase;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.provider.ChatMessage;
import org.hybridllm.lifecycle.provider.ModelSettings;
import org.hybridllm.lifecycle.provider.ResponseFormat;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/use-cases/{useCase}/prompt-versions")
@Tag(name = "Prompt versions", description = "Immutable, content-addressed prompts of a use case")
public class PromptVersionController {

    /** A few-shot example: an input (text or object of variables) and its output (label, JSON object or text). */
    public record FewShotRequest(@NotNull JsonNode input, JsonNode output, String label) {
    }

    public record MessageRequest(@NotBlank String role, @NotNull @Size(max = 20000) String content) {
    }

    public record SettingsRequest(Double temperature, Integer maxTokens) {
    }

    /**
     * A chat template ({@code messages}, the last one the user turn with {@code {{input}}} or named variables), or
     * the earlier shape of classification prompts ({@code instruction} + {@code inputTemplate}).
     *
     * @param purpose PROTOTYPE (served with the base model, default) or FINE_TUNED (the short prompt a fine-tuned
     *                model is served with)
     * @param responseFormat text (default), json_object, or json_schema (extraction: the use case's schema)
     */
    public record CreatePromptVersionRequest(PromptVersion.Purpose purpose,
                                             @Size(max = 50) List<@Valid @NotNull MessageRequest> messages,
                                             @Size(max = 20000) String instruction,
                                             @Size(max = 20000) String inputTemplate,
                                             boolean labelDescriptions,
                                             @Size(max = 100) List<@Valid @NotNull FewShotRequest> fewShot,
                                             SettingsRequest settings,
                                             String responseFormat) {
    }

    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final ContractValidator contracts;
    private final AuditLog audit;

    public PromptVersionController(UseCaseRepository useCases, PromptVersionRepository prompts,
                                   ContractValidator contracts, AuditLog audit) {
        this.useCases = useCases;
        this.contracts = contracts;
        this.prompts = prompts;
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "List a use case's prompt versions, oldest first")
    public List<PromptVersion> list(@PathVariable String useCase) {
        return prompts.findByUseCase(useCase(useCase).id());
    }

    @GetMapping("/{version}")
    @Operation(summary = "One prompt version")
    public PromptVersion get(@PathVariable String useCase, @PathVariable int version) {
        return version(useCase(useCase), version);
    }

    @PostMapping
    @Operation(summary = "Create a prompt version; identical content returns the existing version (200)")
    public ResponseEntity<PromptVersion> create(@PathVariable String useCase,
                                                @Valid @RequestBody CreatePromptVersionRequest request,
                                                Principal user) {
        UseCase target = useCase(useCase);
        PromptVersion.Purpose purpose = request.purpose() == null ? PromptVersion.Purpose.PROTOTYPE
                : request.purpose();
        PromptSpec spec = spec(target, request);
        PromptVersionRepository.Stored stored = prompts.store(target.id(), purpose, spec, user.getName());
        PromptVersion created = stored.version();
        URI location = URI.create("/api/use-cases/" + useCase + "/prompt-versions/" + created.version());
        if (!stored.created()) {
            return ResponseEntity.status(HttpStatus.OK).location(location).body(created);
        }
        audit.record(user.getName(), "PROMPT_VERSION_CREATED", "prompt_version", created.id(), null,
                Map.of("useCase", useCase, "version", created.version(), "sha256", created.sha256()));
        return ResponseEntity.created(location).body(created);
    }

    @GetMapping("/{from}/diff/{to}")
    @Operation(summary = "What changed between two prompt versions (fields and a unified diff)")
    public PromptDiff diff(@PathVariable String useCase, @PathVariable int from, @PathVariable int to) {
        UseCase target = useCase(useCase);
        return PromptDiff.between(version(target, from), version(target, to));
    }

    private PromptSpec spec(UseCase useCase, CreatePromptVersionRequest request) {
        List<ChatMessage> messages = messages(request);
        ModelSettings settings = settings(request.settings());
        ResponseFormat format = responseFormat(useCase, request.responseFormat());
        List<FewShotRequest> given = request.fewShot() == null ? List.of() : request.fewShot();
        List<FewShotExample> fewShot = new ArrayList<>();
        PromptSpec template;
        try {
            template = new PromptSpec(messages, List.of(), request.labelDescriptions(), settings, format);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidInput(request.messages() == null ? "inputTemplate" : "messages", invalid.getMessage());
        }
        for (int i = 0; i < given.size(); i++) {
            FewShotRequest shot = given.get(i);
            String field = "fewShot[" + i + "]";
            String input = contracts.input(shot.input(), field + ".input");
            try {
                template.render(input);
            } catch (IllegalArgumentException missing) {
                throw new InvalidInput(field + ".input", missing.getMessage());
            }
            boolean legacy = (shot.output() == null || shot.output().isNull()) && shot.label() != null;
            JsonNode output = legacy ? TextNode.valueOf(shot.label()) : shot.output();
            String expected = contracts.expected(useCase.contract(), output, field + (legacy ? ".label" : ".output"));
            fewShot.add(new FewShotExample(input, useCase.task() == TaskKind.EXTRACTION ? output
                    : TextNode.valueOf(expected)));
        }
        return new PromptSpec(template.messages(), fewShot, request.labelDescriptions(), settings, format);
    }

    private static List<ChatMessage> messages(CreatePromptVersionRequest request) {
        if (request.messages() != null) {
            if (request.instruction() != null || request.inputTemplate() != null) {
                throw new InvalidInput("messages", "Give either messages (a chat template) or instruction and "
                        + "inputTemplate, not both.");
            }
            List<ChatMessage> messages = new ArrayList<>();
            for (int i = 0; i < request.messages().size(); i++) {
                MessageRequest message = request.messages().get(i);
                if (!ChatMessage.ROLES.contains(message.role())) {
                    throw new InvalidInput("messages[" + i + "].role", "A role is one of " + ChatMessage.ROLES
                            + ".");
                }
                messages.add(new ChatMessage(message.role(), message.content()));
            }
            return messages;
        }
        if (request.inputTemplate() == null || !request.inputTemplate().contains(PromptSpec.INPUT_PLACEHOLDER)) {
            throw new InvalidInput("inputTemplate", "inputTemplate must contain " + PromptSpec.INPUT_PLACEHOLDER
                    + " (or give a chat template in messages).");
        }
        if (request.instruction() == null || request.instruction().isBlank()) {
            throw new InvalidInput("instruction", "must not be blank");
        }
        return List.of(ChatMessage.system(request.instruction()), ChatMessage.user(request.inputTemplate()));
    }

    private static ModelSettings settings(SettingsRequest settings) {
        if (settings == null) {
            return ModelSettings.DEFAULTS;
        }
        if (settings.temperature() != null && (settings.temperature() < 0 || settings.temperature() > 2)) {
            throw new InvalidInput("settings.temperature", "A temperature is between 0 and 2.");
        }
        if (settings.maxTokens() != null && (settings.maxTokens() < 1 || settings.maxTokens() > 128_000)) {
            throw new InvalidInput("settings.maxTokens", "maxTokens is between 1 and 128000.");
        }
        return new ModelSettings(settings.temperature(), settings.maxTokens());
    }

    private static ResponseFormat responseFormat(UseCase useCase, String value) {
        if (value == null) {
            return ResponseFormat.TEXT;
        }
        ResponseFormat format;
        try {
            format = ResponseFormat.of(value);
        } catch (IllegalArgumentException unknown) {
            throw new InvalidInput("responseFormat", unknown.getMessage());
        }
        if (format == ResponseFormat.JSON_SCHEMA && useCase.task() != TaskKind.EXTRACTION) {
            throw new InvalidInput("responseFormat", "json_schema answers with the use case's outputSchema: for "
                    + "EXTRACTION use cases only.");
        }
        return format;
    }

    private UseCase useCase(String key) {
        return useCases.require(key);
    }

    private PromptVersion version(UseCase useCase, int version) {
        return prompts.findByVersion(useCase.id(), version).orElseThrow(() -> ApiProblems.notFound(
                "prompt-version", useCase.key() + " v" + version));
    }
}
