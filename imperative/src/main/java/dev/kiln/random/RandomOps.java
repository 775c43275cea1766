package dev.kiln.random;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The random family of built-in ops: {@code _random_uniform}, {@code _random_normal}, {@code _random_randint},
 * {@code _shuffle} and {@code _sample_multinomial}.
 */
public final class RandomOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(UniformOp.INSTANCE, NormalOp.INSTANCE, RandIntOp.INSTANCE, ShuffleOp.INSTANCE,
                MultinomialOp.INSTANCE);
    }
}
