package dev.kiln.trainer;

import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerOptions;
import dev.kiln.optimizer.OptimizerState;

import java.util.Map;

/**
 * A test-only SGD with MXNet's rule, written as a plain loop so the Trainer tests do not depend on the real
 * optimizers: {@code g = clip(rescale * grad) + wd * w}; without momentum {@code w -= lr * g}, with it
 * {@code mom = momentum * mom - lr * g; w += mom}. Registered as {@code "test_sgd"}.
 */
final class TestSgd extends Optimizer {
    static final String NAME = "test_sgd";

    static {
        Optimizer.register(NAME, TestSgd::new);
    }

    private final double momentum;

    TestSgd(OptimizerOptions options) {
        this(NAME, options);
    }

    /** The same rule under another name, to test that a state file names its optimizer. */
    TestSgd(String name, OptimizerOptions options) {
        super(name, options, 0.01);
        this.momentum = options.number("momentum", 0.0);
    }

    /** A plain SGD with the given options. */
    static TestSgd of(Map<String, ?> options) {
        return new TestSgd(OptimizerOptions.of(options));
    }

    /** Makes sure the name is registered (the class initialiser does it). */
    static void register() {
    }

    @Override
    public OptimizerState createState(int index, NDArray weight) {
        return momentum == 0 ? OptimizerState.EMPTY
                : OptimizerState.of("momentum", NDArray.zeros(weight.shape(), weight.dtype(), weight.device()));
    }

    @Override
    protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
        NDArray mom = momentum == 0 ? null : state.get("momentum");
        for (int k = 0; k < weight.size(); k++) {
            double g = rescaleGrad() * grad.getDouble(k);
            if (clipGradient() != null) {
                g = Math.max(-clipGradient(), Math.min(clipGradient(), g));
            }
            double w = weight.getDouble(k);
            g += wd * w;
            if (mom == null) {
                weight.setDouble(k, w - lr * g);
            } else {
                double m = momentum * mom.getDouble(k) - lr * g;
                mom.setDouble(k, m);
                weight.setDouble(k, w + m);
            }
        }
    }
}
