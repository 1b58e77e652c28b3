package org.hybridllm.lifecycle.artifact;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Items handed over, in order, to one thread of its own that consumes them while the caller prepares the next: a
 * bounded queue, so the caller waits when the thread falls behind. Used where a stream of work has two costly
 * halves (reading rows and scrubbing them; filling chunks and hashing them). Should the consumer fail, it stops,
 * and the caller learns it at its next hand-over or at {@link #finish} and asks {@link #failure} why.
 */
public final class BackgroundConsumer<T> implements AutoCloseable {

    /** What the thread does with each item. */
    @FunctionalInterface
    public interface Consumer<T> {
        void accept(T item) throws Exception;
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile Throwable failure;

    public BackgroundConsumer(String threadName, int capacity, Consumer<T> consumer) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().daemon().name(threadName).start(() -> consume(consumer));
    }

    @SuppressWarnings("unchecked") // only items of type T and END are ever queued
    private void consume(Consumer<T> consumer) {
        try {
            for (Object item = queue.take(); item != END; item = queue.take()) {
                consumer.accept((T) item);
            }
        } catch (Throwable e) { // whatever it is, the caller must hear of it instead of waiting for ever
            failure = e;
        }
    }

    /** Hands over the next item, waiting while the queue is full; false if the consumer has stopped on a failure. */
    public boolean hand(T item) throws InterruptedException {
        return put(item);
    }

    /** Waits until every item handed over is consumed; false if the consumer stopped on a failure. */
    public boolean finish() throws InterruptedException {
        if (!put(END)) {
            return false;
        }
        thread.join();
        return failure == null;
    }

    private boolean put(Object item) throws InterruptedException {
        while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            if (failure != null) {
                return false; // a consumer that failed takes nothing more
            }
        }
        return failure == null;
    }

    /** Why the consumer stopped, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Stops the thread if it still runs (the work was abandoned half-way). */
    @Override
    public void close() {
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
