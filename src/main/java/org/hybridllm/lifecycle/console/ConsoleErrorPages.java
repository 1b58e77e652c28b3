package org.hybridllm.lifecycle.console;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.hybridllm.lifecycle.api.ApiException;
import org.hybridllm.lifecycle.api.ApiExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Controller;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors of console pages as HTML pages in the console's layout: a refusal's own message (404 no such run, 400 a
 * bad filter, 403 not your role), a 500 says only that it was logged; never a stack trace. Resolves before the
 * API's {@code @RestControllerAdvice}, and only for console paths: the API keeps its RFC 9457 problems. Spring
 * Security's refusals (a role a URL needs, a missing CSRF token) are forwarded to {@link #FORBIDDEN_PAGE}.
 */
@Controller
public class ConsoleErrorPages implements HandlerExceptionResolver, Ordered {

    /** Where the console's security filter chain forwards a refused request. */
    public static final String FORBIDDEN_PAGE = "/console/forbidden";

    private static final Logger log = LoggerFactory.getLogger(ConsoleErrorPages.class);
    private static final String VIEW = "console/error";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10; // after Boot's DefaultErrorAttributes, before the API's advice
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        if (!isConsolePath(request) || ex instanceof AccessDeniedException || ex instanceof AuthenticationException) {
            return null; // the API's problems; Spring Security answers its own exceptions
        }
        HttpStatusCode status;
        String detail;
        switch (ex) {
            case ApiException refusal -> {
                status = ApiExceptionHandler.status(refusal);
                detail = refusal.detail();
            }
            case MethodArgumentTypeMismatchException mismatch -> {
                status = HttpStatus.BAD_REQUEST;
                detail = "Parameter '" + mismatch.getName() + "' has an invalid value: " + mismatch.getValue();
            }
            case ErrorResponse refusal -> {
                status = refusal.getStatusCode();
                detail = refusal.getBody().getDetail();
            }
            default -> {
                status = HttpStatus.INTERNAL_SERVER_ERROR;
                detail = null;
            }
        }
        if (status.is5xxServerError()) {
            log.error("Console page {} failed", request.getRequestURI(), ex);
            detail = "An unexpected error occurred; it has been logged.";
        }
        return page(status, detail, request.getRequestURI());
    }

    /** Spring Security forwards here when it refuses a console request (role, CSRF token); any method. */
    @RequestMapping(FORBIDDEN_PAGE)
    public ModelAndView forbidden(HttpServletRequest request) {
        Object refusal = request.getAttribute(WebAttributes.ACCESS_DENIED_403);
        String detail = refusal instanceof CsrfException
                ? "The form's security token is missing or has expired; reload the page and try again."
                : "Your role does not allow this action.";
        Object path = request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI);
        return page(HttpStatus.FORBIDDEN, detail, path == null ? request.getRequestURI() : path.toString());
    }

    private static ModelAndView page(HttpStatusCode status, String detail, String path) {
        HttpStatus known = HttpStatus.resolve(status.value());
        ModelAndView page = new ModelAndView(VIEW, Map.of(
                "status", status.value(),
                "title", known == null ? "Error" : known.getReasonPhrase(),
                "detail", detail == null || detail.isBlank() ? "The request could not be served." : detail,
                "path", path));
        page.setStatus(status);
        return page;
    }

    /** Everything the console's filter chain serves except the API description. */
    private static boolean isConsolePath(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/") || path.equals("/console") || path.startsWith("/console/");
    }
}
