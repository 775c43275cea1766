package dev.kiln.random;

import dev.kiln.op.OpDef;

import java.util.List;

/**
 * The random ops: {@code _random_uniform}, {@code _random_normal}, {@code _random_randint}, {@code _shuffle} and
 * {@code _sample_multinomial}. They are registered through {@code dev.kiln.op.creation.CreationOps}.
 */
public final class RandomOps {
    private RandomOps() {
    }

    /** Every random op definition. */
    public static List<OpDef> ops() {
        return List.of(UniformOp.INSTANCE, NormalOp.INSTANCE, RandIntOp.INSTANCE, ShuffleOp.INSTANCE,
                MultinomialOp.INSTANCE);
    }
}
