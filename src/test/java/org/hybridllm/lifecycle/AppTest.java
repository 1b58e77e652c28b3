package org.hybridllm.lifecycle;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * A test class against the whole app on a random port, in the test environment ({@link TestEnvironment}). The app
 * is closed after the class rather than cached: its embedded engine must be the only one in the JVM
 * ({@link org.hybridllm.lifecycle.engine.EmbeddedEngine}) when the next class starts its own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
@DirtiesContext
public @interface AppTest {
}
