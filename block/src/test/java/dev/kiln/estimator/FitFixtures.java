package dev.kiln.estimator;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Constant;
import dev.kiln.metric.EvalMetric;
import dev.kiln.metric.MetricValue;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerOptions;
import dev.kiln.optimizer.OptimizerState;
import dev.kiln.parameter.Parameter;
import dev.kiln.symbol.NameManager;
import dev.kiln.trainer.Trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small test doubles for the fit loop: a linear regression problem, a squared-error loss block, SGD with momentum
 * written out in Java (so the trainer state is not empty), a mean-absolute-error metric and a scripted metric.
 */
final class FitFixtures {
    static final double LR = 0.05;
    static final double MOMENTUM = 0.5;

    private FitFixtures() {
    }

    /** Per-sample {@code mean((pred - label)^2)} over the feature axis. */
    static final class SquaredError extends HybridBlock {
        @Override
        protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
            return List.of(F.mean(F.square(F.elemwiseSub(inputs.get(0), inputs.get(1))),
                    Map.of("axis", IntTuple.of(1))));
        }
    }

    /** {@code mom = momentum*mom - lr*rescale*grad; weight += mom}, MXNet's SGD rule without weight decay. */
    static final class MomentumSgd extends Optimizer {
        MomentumSgd(double lr) {
            super("momentum_sgd_test", OptimizerOptions.of(Map.of("learning_rate", lr)), 0.01);
        }

        @Override
        public OptimizerState createState(int index, NDArray weight) {
            return OptimizerState.of("mom", NDArray.zeros(weight.shape(), weight.dtype(), weight.device()));
        }

        @Override
        protected void step(int index, NDArray weight, NDArray grad, OptimizerState state, double lr, double wd) {
            NDArray mom = state.get("mom");
            for (int i = 0; i < weight.size(); i++) {
                double m = MOMENTUM * mom.getDouble(i) - lr * rescaleGrad() * grad.getDouble(i);
                mom.setDouble(i, m);
                weight.setDouble(i, weight.getDouble(i) + m);
            }
        }
    }

    /** Mean absolute error of prediction against label. */
    static final class MeanAbsError extends EvalMetric {
        private double sum;
        private long count;

        MeanAbsError() {
            super("mae");
        }

        @Override
        public void update(List<NDArray> labels, List<NDArray> preds) {
            for (int k = 0; k < labels.size(); k++) {
                double[] l = labels.get(k).toDoubleArray();
                double[] p = preds.get(k).toDoubleArray();
                for (int i = 0; i < l.length; i++) {
                    sum += Math.abs(l[i] - p[i]);
                }
                count += l.length;
            }
        }

        @Override
        public void reset() {
            sum = 0;
            count = 0;
        }

        @Override
        public List<MetricValue> getNameValue() {
            return List.of(new MetricValue(name(), count == 0 ? Double.NaN : sum / count));
        }
    }

    /** A metric whose value the test sets; updates are ignored. */
    static class Scripted extends EvalMetric {
        double value = Double.NaN;

        Scripted(String name) {
            super(name);
        }

        @Override
        public void update(List<NDArray> labels, List<NDArray> preds) {
        }

        @Override
        public void reset() {
        }

        @Override
        public List<MetricValue> getNameValue() {
            return List.of(new MetricValue(name(), value));
        }
    }

    /** Batches of {@code y = 2 x0 - 3 x1 + 1} on a fixed grid of inputs, as {@code [x (n,2), y (n,1)]}. */
    static List<List<NDArray>> linearData(int batches, int batchSize, double offset) {
        List<List<NDArray>> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[] x = new float[batchSize * 2];
            float[] y = new float[batchSize];
            for (int i = 0; i < batchSize; i++) {
                double x0 = Math.sin(offset + 1.3 * (b * batchSize + i));
                double x1 = Math.cos(offset + 0.7 * (b * batchSize + i));
                x[2 * i] = (float) x0;
                x[2 * i + 1] = (float) x1;
                y[i] = (float) (2 * x0 - 3 * x1 + 1);
            }
            out.add(List.of(NDArray.of(Shape.of(batchSize, 2), x), NDArray.of(Shape.of(batchSize, 1), y)));
        }
        return out;
    }

    /**
     * A fresh {@code Dense(1)} with weights 0.1, named in a fresh name scope so that every instance is
     * {@code dense0} as in a new process: a trainer-state file names its parameters, and a resumed run loads it into
     * a new instance of the same net.
     */
    static Dense net() {
        Dense net;
        try (var ignored = NameManager.fresh()) {
            net = new Dense(1);
        }
        net.initialize(new Constant(0.1));
        return net;
    }

    /** An estimator on {@link #net()} with the squared error, momentum SGD and a MAE metric (train and val). */
    static Estimator estimator(Dense net) {
        return builder(net).build();
    }

    static EstimatorBuilder builder(HybridBlock net) {
        return Estimator.builder(net, new SquaredError())
                .trainer(new Trainer(net.collectParams(), new MomentumSgd(LR)))
                .trainMetrics(new MeanAbsError())
                .valMetrics(new MeanAbsError());
    }

    /** A logger that keeps every message. */
    static final class CapturingLogger implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + (params == null ? format : java.text.MessageFormat.format(format, params)));
        }
    }

    /** Copies of every parameter's value, by structural position. */
    static Map<String, double[]> snapshot(HybridBlock net) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Parameter p : net.collectParams().values()) {
            out.put(p.name(), p.data().toDoubleArray());
        }
        return out;
    }

    /** Every value of a snapshot in one array, in parameter order. */
    static double[] flat(Map<String, double[]> snapshot) {
        return snapshot.values().stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
