package org.hybridllm.lifecycle;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestExecutionListeners;
import org.springframework.test.context.TestExecutionListeners.MergeMode;

/**
 * A test class against the whole app on a random port, in the test environment ({@link TestEnvironment}), with
 * {@link org.springframework.test.web.servlet.MockMvc} for the console's pages. Classes that add no configuration
 * of their own share one app (an app start, the local model's warm-up and cache, the API description are paid once):
 * {@link AppTestsByConfiguration} runs them one after another and {@link OneAppAtATime} closes the app before one of
 * another configuration starts, since the embedded engine must be the only one in the JVM
 * ({@link org.hybridllm.lifecycle.engine.EmbeddedEngine}). So each class works on use cases of its own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
@AutoConfigureMockMvc
@TestExecutionListeners(listeners = OneAppAtATime.class, mergeMode = MergeMode.MERGE_WITH_DEFAULTS)
@ExtendWith(OneAppAtATime.class)
public @interface AppTest {
}
