package org.hybridllm.lifecycle;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
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

    @Test
    void writesTheModuleDocumentation() {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/modules"))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
    }
}
