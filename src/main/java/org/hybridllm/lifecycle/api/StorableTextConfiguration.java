package org.hybridllm.lifecycle.api;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * JSON request bodies bound by Spring MVC refuse text PostgreSQL cannot store: the JSON converter reads with a
 * copy of the app's mapper that has {@link StorableTextModule}; {@link ApiExceptionHandler} answers the refusal
 * as a 400 naming the field.
 */
@Configuration(proxyBeanMethods = false)
class StorableTextConfiguration implements WebMvcConfigurer {

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        for (HttpMessageConverter<?> converter : converters) {
            if (converter instanceof MappingJackson2HttpMessageConverter json
                    && !json.getObjectMapper().getRegisteredModuleIds().contains("storable-text")) {
                json.setObjectMapper(StorableTextModule.strict(json.getObjectMapper()));
            }
        }
    }
}
