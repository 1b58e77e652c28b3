package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.DependencyDepth;
import org.springframework.modulith.docs.Documenter;

/**
 * The module structure: one module per BPMN stage above the platform modules, no cycles, no module reaching into
 * another's internals. The generated documentation (C4 and per-module PlantUML diagrams, module canvases) is
 * written to docs/modules/ and linked from the README's architecture section.
 */
class ModularityTests {

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
    void writesTheModuleDocumentation() {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/modules"))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
    }
}
