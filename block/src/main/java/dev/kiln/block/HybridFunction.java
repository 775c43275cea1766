package dev.kiln.block;

import dev.kiln.op.surface.F;

/**
 * A computation on one value written once for both backends, as the function given to Gluon's
 * {@code HybridLambda(lambda F, x: ...)}. The method is generic, so it cannot be a Java lambda; write an anonymous
 * class: {@code new HybridFunction() { public <T> T apply(F<T> F, T x) { return F.leakyReLU(x, ...); } }}.
 */
public interface HybridFunction {

    <T> T apply(F<T> F, T x);
}
