package dev.kiln.block;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block's forward pre-hooks and hooks, in registration order, and a counter shared by all blocks that moves
 * whenever any hook is added or removed, so hybridized graphs know to trace their taps again.
 */
final class ForwardHooks {
    private static final AtomicLong EPOCH = new AtomicLong();

    private final Map<Object, ForwardPreHook> pre = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<Object, ForwardHook> post = Collections.synchronizedMap(new LinkedHashMap<>());

    /** The counter of hook changes across all blocks. */
    static long epoch() {
        return EPOCH.get();
    }

    /** Marks a change of hooks (forward or op hooks) somewhere. */
    static void changed() {
        EPOCH.incrementAndGet();
    }

    HookHandle addPre(ForwardPreHook hook) {
        return add(pre, hook);
    }

    HookHandle addPost(ForwardHook hook) {
        return add(post, hook);
    }

    private static <H> HookHandle add(Map<Object, H> hooks, H hook) {
        Object key = new Object();
        hooks.put(key, hook);
        changed();
        return () -> {
            hooks.remove(key);
            changed();
        };
    }

    boolean isEmpty() {
        return pre.isEmpty() && post.isEmpty();
    }

    /** Runs the pre-hooks on {@code inputs}. */
    void before(Block block, List<?> inputs) {
        if (!pre.isEmpty()) {
            for (ForwardPreHook h : snapshot(pre)) {
                h.beforeForward(block, inputs);
            }
        }
    }

    /** Runs the hooks on {@code inputs} and {@code outputs}. */
    void after(Block block, List<?> inputs, List<?> outputs) {
        if (!post.isEmpty()) {
            for (ForwardHook h : snapshot(post)) {
                h.afterForward(block, inputs, outputs);
            }
        }
    }

    private static <H> List<H> snapshot(Map<Object, H> hooks) {
        synchronized (hooks) {
            return new ArrayList<>(hooks.values());
        }
    }
}
