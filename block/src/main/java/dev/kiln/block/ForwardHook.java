package dev.kiln.block;

import java.util.List;

/** Called after a block's forward with the block, its inputs and its outputs (Gluon's {@code register_forward_hook}). */
@FunctionalInterface
public interface ForwardHook {
    void afterForward(Block block, List<?> inputs, List<?> outputs);
}
