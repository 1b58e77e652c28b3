package org.hybridllm.lifecycle.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * JSON request bodies bound by Spring MVC refuse text PostgreSQL cannot store: the JSON converter reads with a
 * copy of the app's mapper that has {@link StorableTextModule}; {@link ApiExceptionHandler} answers the refusal
 * as a 400 naming the field. Query and form parameters and path variables are checked before the handler runs
 * ({@link StorableParameters}), so none of them reaches a query or a row either.
 */
@Configuration(proxyBeanMethods = false)
class StorableTextConfiguration implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new StorableParameters());
    }

    /** Refuses a request parameter or path variable holding text PostgreSQL cannot store, naming it. */
    static final class StorableParameters implements HandlerInterceptor {

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
                String name = StorableText.printable(parameter.getKey());
                StorableText.require(name, parameter.getKey());
                for (String value : parameter.getValue()) {
                    StorableText.require(name, value);
                }
            }
            if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
                variables.forEach((name, value) -> StorableText.require(String.valueOf(name), String.valueOf(value)));
            }
            return true;
        }
    }

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
