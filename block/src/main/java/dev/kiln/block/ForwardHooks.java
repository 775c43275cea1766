package dev.kiln.block;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block's forward pre-hooks and hooks, in registration order, and a counter shared by all blocks that moves
 * whenever any hook is added or removed, so hybridized graphs know to trace their taps again. Copy-on-write lists:
 * every call reads them (almost always empty) without a lock, from any number of threads, and registering or
 * removing a hook copies them.
 */
final class ForwardHooks {
    private static final AtomicLong EPOCH = new AtomicLong();

    private final List<ForwardPreHook> pre = new CopyOnWriteArrayList<>();
    private final List<ForwardHook> post = new CopyOnWriteArrayList<>();

    /** The counter of hook changes across all blocks. */
    static long epoch() {
        return EPOCH.get();
    }

    /** Marks a change of hooks (forward or op hooks) somewhere. */
    static void changed() {
        EPOCH.incrementAndGet();
    }

    HookHandle addPre(ForwardPreHook hook) {
        return add(pre, hook::beforeForward);
    }

    HookHandle addPost(ForwardHook hook) {
        return add(post, hook::afterForward);
    }

    /**
     * Adds {@code hook} wrapped in a new object (so the same hook registered twice runs twice and each handle
     * removes its own registration).
     */
    private static <H> HookHandle add(List<H> hooks, H hook) {
        hooks.add(hook);
        changed();
        return () -> {
            if (hooks.remove(hook)) {
                changed();
            }
        };
    }

    boolean isEmpty() {
        return pre.isEmpty() && post.isEmpty();
    }

    /** Runs the pre-hooks on {@code inputs}. */
    void before(Block block, List<?> inputs) {
        for (ForwardPreHook h : pre) {
            h.beforeForward(block, inputs);
        }
    }

    /** Runs the hooks on {@code inputs} and {@code outputs}. */
    void after(Block block, List<?> inputs, List<?> outputs) {
        for (ForwardHook h : post) {
            h.afterForward(block, inputs, outputs);
        }
    }
}
