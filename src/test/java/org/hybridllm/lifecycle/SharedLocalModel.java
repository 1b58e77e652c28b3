package org.hybridllm.lifecycle;

import org.hybridllm.lifecycle.provider.local.MiniLmEmbeddings;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;

/**
 * One local model for every app a test JVM starts, as a single app process has one: the ONNX session is created
 * once and the embeddings cache fills once, instead of again in each of the suite's ~20 apps (tests' runs embed the
 * same sample texts). The cache is keyed by the exact text, so sharing it changes no result. Applied by
 * {@link TestEnvironment} to the app's {@link MiniLmEmbeddings} bean definition, after component scanning.
 */
final class SharedLocalModel implements BeanFactoryPostProcessor {

    private static final MiniLmEmbeddings MODEL = new MiniLmEmbeddings();

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        for (String name : beanFactory.getBeanNamesForType(MiniLmEmbeddings.class, true, false)) {
            if (beanFactory.getBeanDefinition(name) instanceof AbstractBeanDefinition definition) {
                definition.setInstanceSupplier(() -> MODEL);
            }
        }
    }
}
