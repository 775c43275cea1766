package dev.kiln.block;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The structural path of the block being called on this thread ({@code net0.features.3}), kept while blocks call
 * their children so errors can name where they happened.
 */
final class CallPath {
    private record Frame(Block block, String path) {
    }

    private static final ThreadLocal<Deque<Frame>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private CallPath() {
    }

    /** The path {@code block} is being called at: its parent's path plus its name among the parent's children. */
    static String enter(Block block) {
        Deque<Frame> stack = STACK.get();
        Frame parent = stack.peek();
        String path;
        if (parent == null) {
            path = block.name();
        } else {
            String child = parent.block().childName(block);
            path = child == null ? parent.path() + ">" + block.name() : parent.path() + "." + child;
        }
        stack.push(new Frame(block, path));
        return path;
    }

    static void exit() {
        STACK.get().pop();
    }

    /** True when no block is being called on this thread (the next call is a root call). */
    static boolean isEmpty() {
        return STACK.get().isEmpty();
    }

    /** The path of the block being called, or {@code fallback} outside any call. */
    static String current(String fallback) {
        Frame f = STACK.get().peek();
        return f == null ? fallback : f.path();
    }
}
