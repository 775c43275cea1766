package dev.kiln.metric;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The fraction of correct predictions (MXNet's {@code Accuracy}, alias {@code "acc"}). A prediction whose shape
 * differs from its label's is reduced with argmax along {@code axis} (default 1, the class axis); both are then
 * truncated to integers and compared element by element.
 */
public class Accuracy extends EvalMetric {
    private final int axis;

    /** Accuracy over class axis 1, named {@code "accuracy"}. */
    public Accuracy() {
        this(1);
    }

    /** Accuracy whose class scores lie along {@code axis}. */
    public Accuracy(int axis) {
        this(axis, "accuracy", null, null);
    }

    /** Every MXNet argument. */
    public Accuracy(int axis, String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames);
        this.axis = axis;
    }

    /** The class axis of the predictions. */
    public int axis() {
        return axis;
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        forEachPair(labels, preds, this::add);
    }

    private void add(NDArray label, NDArray pred) {
        int[] predicted = pred.shape().equals(label.shape()) ? pred.toIntArray()
                : classIndices(label, pred);
        int[] truth = label.toIntArray();
        if (predicted.length != truth.length) {
            throw mismatch(truth.length, predicted.length, label, pred);
        }
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                correct++;
            }
        }
        accumulate(correct, truth.length);
    }

    private int[] classIndices(NDArray label, NDArray pred) {
        if (pred.rank() == 0 || axis >= pred.rank() || axis < -pred.rank()) {
            throw badInput("class axis " + axis + " is out of range for the predictions", label, pred);
        }
        return new AlongAxis(pred.shape(), axis).argmax(pred.toDoubleArray());
    }
}
