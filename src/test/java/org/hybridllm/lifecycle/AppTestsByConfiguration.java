package org.hybridllm.lifecycle;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.test.context.BootstrapUtils;

/**
 * Runs the {@link AppTest} classes of one app configuration one after another, so that they share one cached app
 * instead of each starting its own ({@link OneAppAtATime}). The configuration is Spring's own cache key, the merged
 * context configuration, so a class that adds a property, a bean or a customizer falls into a group of its own.
 * Groups, and the classes in a group, go in the order of their class names; other classes are groups of one.
 * Configured in junit-platform.properties.
 */
public class AppTestsByConfiguration implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        Map<Object, String> firstClassOfGroup = new HashMap<>();
        Map<ClassDescriptor, Object> groups = new HashMap<>();
        for (ClassDescriptor descriptor : context.getClassDescriptors()) {
            Object group = group(descriptor.getTestClass());
            groups.put(descriptor, group);
            firstClassOfGroup.merge(group, descriptor.getTestClass().getName(),
                    (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        context.getClassDescriptors().sort(Comparator
                .comparing((ClassDescriptor descriptor) -> firstClassOfGroup.get(groups.get(descriptor)))
                .thenComparing(descriptor -> descriptor.getTestClass().getName()));
    }

    private static Object group(Class<?> testClass) {
        if (!MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY).isPresent(AppTest.class)) {
            return testClass;
        }
        // equal exactly when Spring's context cache would hand both classes the same app
        return BootstrapUtils.resolveTestContextBootstrapper(testClass).buildMergedContextConfiguration();
    }
}
