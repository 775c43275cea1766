package dev.kiln.training;

import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerOptions;
import dev.kiln.optimizer.OptimizerState;

import java.util.Map;

/**
 * A stateless test-only SGD ({@code w -= lr * (rescale * grad + wd * w)}) through ops, so the end-to-end Trainer
 * test does not depend on the optimizer classes.
 */
final class PlainSgd extends Optimizer {

    PlainSgd(double learningRate) {
        super("plain_sgd", OptimizerOptions.of(Map.of("learning_rate", learningRate)), 0.01);
    }

    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return OptimizerState.EMPTY;
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        NDArray g = grad.copy().mulInPlace(rescaleGrad());
        if (wd != 0) {
            NDArray decay = weight.copy().mulInPlace(wd);
            g.addInPlace(decay);
        }
        weight.subInPlace(g.mulInPlace(lr));
    }
}
