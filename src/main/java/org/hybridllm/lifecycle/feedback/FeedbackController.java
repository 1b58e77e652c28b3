package org.hybridllm.lifecycle.feedback;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.UUID;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.Page;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/feedback")
@Tag(name = "Feedback", description = "What users said about outputs: the raw material of the next dataset")
public class FeedbackController {

    public static final String NDJSON = "application/x-ndjson";

    private final FeedbackIngest ingest;
    private final FeedbackRepository feedback;
    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;

    public FeedbackController(FeedbackIngest ingest, FeedbackRepository feedback, UseCaseRepository useCases,
                              PromptVersionRepository prompts) {
        this.ingest = ingest;
        this.feedback = feedback;
        this.useCases = useCases;
        this.prompts = prompts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Record one piece of feedback (with its interaction, or about a recorded one)")
    public FeedbackIngest.Ingested ingestOne(@RequestBody FeedbackItem item, Principal user) {
        return ingest.ingestOne(item, user.getName());
    }

    @PostMapping(path = "/batch", consumes = NDJSON)
    @Operation(summary = "Record a batch of feedback, one JSON object per line (NDJSON), streamed; all or nothing",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = NDJSON, schema = @Schema(implementation = FeedbackItem.class))))
    public FeedbackIngest.Ingested ingestBatch(InputStream body, Principal user) throws IOException {
        return ingest.ingestNdjson(body, user.getName());
    }

    @GetMapping
    @Operation(summary = "List feedback, newest first, by use case, prompt version and/or run")
    public Page<FeedbackView> list(@RequestParam(required = false) String useCase,
                                   @RequestParam(required = false) Integer promptVersion,
                                   @RequestParam(required = false) UUID run,
                                   @RequestParam(defaultValue = "0") int page,
                                   @RequestParam(defaultValue = "50") int size) {
        Page.PageRequest request = new Page.PageRequest(page, size);
        Long useCaseId = null;
        Long promptVersionId = null;
        if (useCase != null) {
            UseCase found = useCases.findByKey(useCase)
                    .orElseThrow(() -> new InvalidInput("useCase", "Unknown use case '" + useCase + "'."));
            useCaseId = found.id();
            if (promptVersion != null) {
                promptVersionId = prompts.findByVersion(found.id(), promptVersion).map(PromptVersion::id)
                        .orElseThrow(() -> new InvalidInput("promptVersion", "Use case '" + useCase
                                + "' has no prompt version " + promptVersion + "."));
            }
        } else if (promptVersion != null) {
            throw new InvalidInput("promptVersion", "promptVersion numbers are per use case: give useCase too.");
        }
        return Page.of(feedback.find(useCaseId, promptVersionId, run, request.offset(), request.size()), request,
                feedback.count(useCaseId, promptVersionId, run));
    }
}
