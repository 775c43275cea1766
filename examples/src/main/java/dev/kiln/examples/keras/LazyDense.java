package dev.kiln.examples.keras;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.Map;

/**
 * A dense layer written the way a Keras user writes a custom layer, in Kiln's terms. Keras's {@code build} is the
 * deferred dimension: the kernel is declared {@code (0, units)} and Kiln fills the 0 from the first input by shape
 * inference, with no build method to write ({@code xavier} with its defaults is Keras's {@code glorot_uniform}).
 * Keras's {@code compute_output_shape} is {@code inferShape}: Kiln traces {@code hybridForward} symbolically and
 * infers the output shape without running anything.
 */
public class LazyDense extends HybridBlock {
    private final int units;
    final Parameter kernel;
    final Parameter bias;

    public LazyDense(int units) {
        super(null, null, "lazydense");
        this.units = units;
        try (var ignored = nameScope()) {
            this.kernel = param("kernel", ParameterSpec.of().shape(0, units).init("xavier")
                    .allowDeferredInit(true));
            this.bias = param("bias", ParameterSpec.of().shape(units).init("zeros"));
        }
    }

    /** {@code x . kernel + bias}, with Keras's kernel layout {@code (inputUnits, units)}. */
    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.broadcastAdd(F.dot(x, p.get("kernel")), p.get("bias"));
    }

    public int units() {
        return units;
    }
}
