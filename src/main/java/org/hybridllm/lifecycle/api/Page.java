package org.hybridllm.lifecycle.api;

import java.util.List;

/** One page of a list answer: {@code page} is zero-based, {@code totalItems} counts every match of the filter. */
public record Page<T>(List<T> items, int page, int size, long totalItems, long totalPages) {

    public static final int MAX_SIZE = 500;

    public static <T> Page<T> of(List<T> items, PageRequest request, long totalItems) {
        return new Page<>(items, request.page(), request.size(), totalItems,
                (totalItems + request.size() - 1) / request.size());
    }

    /** The requested page, checked: a bad value is a 400 naming the parameter. */
    public record PageRequest(int page, int size) {

        public PageRequest {
            if (page < 0) {
                throw new InvalidInput("page", "page must be 0 or more.");
            }
            if (size < 1 || size > MAX_SIZE) {
                throw new InvalidInput("size", "size must be between 1 and " + MAX_SIZE + ".");
            }
        }

        public long offset() {
            return (long) page * size;
        }
    }
}
