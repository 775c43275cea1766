package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/** The per-parameter states optimizers start from: zero arrays shaped, typed and placed as the weight. */
final class States {
    private States() {
    }

    /** Zero arrays named {@code names}, in that order. */
    static OptimizerState zeros(NDArray weight, String... names) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (String name : names) {
            arrays.put(name, NDArray.zeros(weight.shape(), weight.dtype(), weight.device()));
        }
        return new OptimizerState(arrays);
    }

    /** The first and second moments, {@code mean} and {@code var}. */
    static OptimizerState moments(NDArray weight) {
        return zeros(weight, "mean", "var");
    }

    /** A momentum array {@code mom} when {@code momentum} is non-zero, else nothing (as MXNet's {@code None}). */
    static OptimizerState momentum(double momentum, NDArray weight) {
        return momentum != 0 ? zeros(weight, "mom") : OptimizerState.EMPTY;
    }
}
