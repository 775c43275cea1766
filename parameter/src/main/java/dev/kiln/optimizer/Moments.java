package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

/** The first and second moment estimates the Adam family keeps per parameter, and Adam's bias correction. */
final class Moments {
    private Moments() {
    }

    /** Zero {@code mean} and {@code var} shaped and typed as the weight. */
    static OptimizerState create(NDArray weight) {
        return OptimizerState.of("mean", NDArray.zeros(weight.shape(), weight.dtype(), weight.device()),
                "var", NDArray.zeros(weight.shape(), weight.dtype(), weight.device()));
    }

    /** {@code sqrt(1 - beta2^t) / (1 - beta1^t)}: the factor MXNet's Adam multiplies the learning rate by. */
    static double biasCorrection(double beta1, double beta2, long t) {
        return Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }
}
