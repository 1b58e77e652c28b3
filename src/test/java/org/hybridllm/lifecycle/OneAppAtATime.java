package org.hybridllm.lifecycle;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Lets the {@link AppTest} classes of one configuration share the app that Spring's test context cache keeps, while
 * no two embedded engines ever run in the JVM at once ({@link org.hybridllm.lifecycle.engine.EmbeddedEngine}): the
 * cached app is closed before a class of another configuration loads its own, before a test starts an app or an
 * engine by hand ({@link TestEnvironment#startApp}, {@link TestEnvironment#startEngine}) and when the Jupiter tests
 * end. Spring's cache on its own keeps every app open (up to 32), and evicts one only after loading another.
 *
 * <p>A Spring test execution listener (it knows whether the class's app is cached) and a Jupiter extension (it
 * knows when all tests have ended), both registered by {@link AppTest}.
 */
public class OneAppAtATime implements TestExecutionListener, Ordered, BeforeAllCallback {

    /** The test context of the last class that ran with an app: the key under which that app may still be cached. */
    private static TestContext lastAppTest;

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE; // before any listener that could load the app
    }

    @Override
    public void beforeTestClass(TestContext testContext) {
        if (!testContext.hasApplicationContext()) {
            closeCachedApp();
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        remember(testContext);
    }

    private static synchronized void remember(TestContext testContext) {
        lastAppTest = testContext;
    }

    /** Closes the app a previous {@link AppTest} class left in Spring's context cache, if any. */
    public static synchronized void closeCachedApp() {
        if (lastAppTest != null) {
            lastAppTest.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE); // removed from the cache and closed
            lastAppTest = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // closed with the root context, i.e. once every Jupiter test has run (another test engine may start apps next)
        context.getRoot().getStore(ExtensionContext.Namespace.create(OneAppAtATime.class))
                .getOrComputeIfAbsent(OneAppAtATime.class, key -> (ExtensionContext.Store.CloseableResource)
                        OneAppAtATime::closeCachedApp, ExtensionContext.Store.CloseableResource.class);
    }
}
