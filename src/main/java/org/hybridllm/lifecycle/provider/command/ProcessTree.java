package org.hybridllm.lifecycle.provider.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A trainer's process and everything it started (data loaders, torchrun workers, accelerate launchers). */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * The process with this pid, if it is still the one that was started at {@code started} (a pid can be reused
     * by another process after a restart of the machine).
     */
    static Optional<ProcessHandle> find(long pid, Instant started) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().startInstant().map(started::equals).orElse(true));
    }

    /**
     * SIGTERM to the process and all its descendants (collected first: once the parent is gone, its children are
     * re-parented and can no longer be found from it), SIGKILL to whatever is still alive after {@code grace}.
     */
    static void kill(ProcessHandle root, Duration grace) {
        Set<ProcessHandle> tree = new LinkedHashSet<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
        tree.forEach(handle -> exits.add(handle.onExit()));
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // some ignored SIGTERM: killed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // children started during the grace period, too
        for (ProcessHandle handle : List.copyOf(tree)) {
            if (handle.isAlive()) {
                handle.descendants().forEach(tree::add);
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
