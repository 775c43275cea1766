package dev.kiln.block;

import dev.kiln.op.surface.F;

import java.util.List;

/**
 * A computation on several values giving one or more, written once for both backends (the several-input form of
 * {@link HybridFunction}, for {@link HybridLambda#ofAll}).
 */
public interface HybridListFunction {

    <T> List<T> apply(F<T> F, List<T> inputs);
}
