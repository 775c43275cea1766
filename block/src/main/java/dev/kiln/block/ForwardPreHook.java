package dev.kiln.block;

import java.util.List;

/** Called before a block's forward with the block and its inputs (Gluon's {@code register_forward_pre_hook}). */
@FunctionalInterface
public interface ForwardPreHook {
    void beforeForward(Block block, List<?> inputs);
}
