package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.DependencyDepth;
import org.springframework.modulith.docs.Documenter;

/**
 * The module structure: one module per BPMN stage above the platform modules, no cycles, no module reaching into
 * another's internals. The generated documentation (C4 and per-module PlantUML diagrams, module canvases) is
 * written to docs/modules/, and the component diagram rendered to docs/modules/components.svg, which the README's
 * architecture section shows.
 */
class ModularityTests {

    static final Path DOCS = Path.of("docs/modules");
    static final ApplicationModules MODULES = ApplicationModules.of(LifecycleApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersApi() {
        MODULES.verify();
    }

    /**
     * The webhook owns the protocol, not the effects: the modules that own them implement its handler
     * interfaces (RunStartEvents, FeedbackBatchEvents, FineTuneCallbackEvents), so it needs none of them.
     */
    @Test
    void theWebhookDependsOnNoModuleThatOwnsAnEventsEffect() {
        ApplicationModule webhook = MODULES.getModuleByName("webhook").orElseThrow();
        assertThat(webhook.getDependencies(MODULES, DependencyDepth.ALL).uniqueModules()
                .map(ApplicationModule::getName)).doesNotContain("run", "feedback", "finetune");
        for (String owner : List.of("run", "feedback", "finetune")) {
            assertThat(MODULES.getModuleByName(owner).orElseThrow().getDependencies(MODULES)
                    .containsModuleNamed("webhook")).as(owner + " implements a webhook handler").isTrue();
        }
    }

    @Test
    void writesTheModuleDocumentation() throws IOException {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(DOCS.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        // the README shows this picture: rendered here so that it is always the verified structure
        // (again only when the structure changed: the diagram's lines come out in another order from run to run)
        List<String> structure = Files.readAllLines(DOCS.resolve("components.puml")).stream().sorted().toList();
        Path rendered = DOCS.resolve("components.svg");
        Path renderedFrom = DOCS.resolve("components.svg.source");
        if (!Files.exists(rendered) || !Files.exists(renderedFrom)
                || !Files.readAllLines(renderedFrom).equals(structure)) {
            String source = Files.readString(DOCS.resolve("components.puml"))
                    .replaceFirst("@startuml", "@startuml\n!pragma layout smetana");
            try (OutputStream svg = Files.newOutputStream(rendered)) {
                new SourceStringReader(source).outputImage(svg, new FileFormatOption(FileFormat.SVG));
            }
            Files.write(renderedFrom, structure);
        }
        assertThat(Files.readString(rendered)).contains("Governance", "Stage", "Run");
    }
}
