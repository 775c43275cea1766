package dev.kiln.op.nn;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code CTCLoss} (also {@code ctc_loss}, {@code _contrib_CTCLoss}, ...): the connectionist temporal
 * classification loss of unnormalised activations {@code data} (time, batch, classes) against padded label
 * sequences {@code label} (batch, max label length), one cost per batch entry. Optional inputs, present only when
 * their flag is set: {@code data_lengths} (batch,) and {@code label_lengths} (batch,). Without label lengths a label
 * ends at its first padding value: 0 when the blank is the first class (labels 1..C-1), -1 when it is the last
 * (labels 0..C-2). Like MXNet, the forward also computes the gradient with respect to {@code data} into a hidden
 * second output, which the gradient rule scales by the output gradient; steps beyond a data length get none.
 */
final class CTCLossOp extends HiddenOutputOp {
    static final AttrSpec<Boolean> USE_DATA_LENGTHS = AttrSpec.of("use_data_lengths", AttrType.BOOL, false,
            "take an input data_lengths giving each sequence's length");
    static final AttrSpec<Boolean> USE_LABEL_LENGTHS = AttrSpec.of("use_label_lengths", AttrType.BOOL, false,
            "take an input label_lengths instead of ending labels at the padding value");
    static final AttrSpec<String> BLANK_LABEL = AttrSpec.of("blank_label", AttrType.oneOf("first", "last"), "first",
            "which class is the blank: the first (padding 0) or the last (padding -1)");

    CTCLossOp() {
        super("CTCLoss", List.of("data", "label", "data_lengths", "label_lengths"),
                List.of(USE_DATA_LENGTHS, USE_LABEL_LENGTHS, BLANK_LABEL), "grad",
                "ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss", "_npx_ctc_loss");
    }

    @Override
    public String doc() {
        return "connectionist temporal classification loss of each sequence, from unnormalised activations";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        List<String> names = new ArrayList<>(List.of("data", "label"));
        if (attrs.get(USE_DATA_LENGTHS)) {
            names.add("data_lengths");
        }
        if (attrs.get(USE_LABEL_LENGTHS)) {
            names.add("label_lengths");
        }
        return names;
    }

    /** Both outputs take the data's dtype; the labels and lengths may have any. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0, 1});
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        Shape label = in.get(1);
        if (data.rank() != 3) {
            throw error("input 'data' must be 3-D (time, batch, classes), got shape " + data);
        }
        if (label.rank() != 2) {
            throw error("input 'label' must be 2-D (batch, label length), got shape " + label);
        }
        if (label.get(0) != data.get(1)) {
            throw error("input 'label' of shape " + label + " has batch size " + label.get(0) + " but 'data' of shape "
                    + data + " has " + data.get(1));
        }
        if (label.get(1) > data.get(0)) {
            throw error("input 'label' of shape " + label + " allows labels of " + label.get(1)
                    + " steps, more than the " + data.get(0) + " time steps of 'data' " + data);
        }
        List<String> names = inputNames(attrs);
        for (int i = 2; i < in.size(); i++) {
            if (!in.get(i).equals(Shape.of(data.get(1)))) {
                throw error("input '" + names.get(i) + "' has shape " + in.get(i) + " but must be (" + data.get(1)
                        + ",), one length per sequence of 'data' " + data);
            }
        }
        return List.of(Shape.of(data.get(1)), data);
    }

    /** The loss is (batch,) and the hidden gradient has the data's shape; the lengths are (batch,). */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.input(0);
        if (ShapeSlots.isRankKnown(data) && data.rank() == 3) {
            slots.assignOutput(0, Shape.partial(data.get(1)));
            slots.assignOutput(1, data);
            for (int i = 2; i < slots.numInputs(); i++) {
                slots.assignInput(i, Shape.partial(data.get(1)));
            }
        }
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Attrs attrs = call.attrs();
        NDArray data = call.input(0);
        NDArray label = call.input(1);
        int time = data.shape().get(0);
        int batch = data.shape().get(1);
        int classes = data.shape().get(2);
        int maxLabel = label.shape().get(1);
        boolean first = attrs.get(BLANK_LABEL).equals("first");
        int blank = first ? 0 : classes - 1;
        int next = 2;
        NDArray dataLengths = attrs.get(USE_DATA_LENGTHS) ? call.input(next++) : null;
        NDArray labelLengths = attrs.get(USE_LABEL_LENGTHS) ? call.input(next) : null;
        NDArray loss = call.newOutput(0);
        NDArray grad = call.newOutput(1);
        double[][] act = new double[time][classes];
        double[][] g = new double[time][classes];
        for (int b = 0; b < batch; b++) {
            int steps = dataLengths == null ? time : length(dataLengths, b, time, "data_lengths", data.shape());
            int[] labels = labels(label, b, maxLabel, labelLengths, first ? 0 : -1, blank, classes);
            for (int t = 0; t < time; t++) {
                for (int c = 0; c < classes; c++) {
                    act[t][c] = data.getDouble((t * batch + b) * classes + c);
                }
                Arrays.fill(g[t], 0);
            }
            loss.setDouble(b, CtcKernel.costAndGradient(act, steps, labels, blank, g));
            for (int t = 0; t < time; t++) {
                for (int c = 0; c < classes; c++) {
                    grad.setDouble((t * batch + b) * classes + c, g[t][c]);
                }
            }
        }
        return List.of(loss, grad);
    }

    /** Entry {@code b} of a lengths input, truncated toward zero as MXNet reads it, within {@code [0, max]}. */
    private int length(NDArray lengths, int b, int max, String input, Shape of) {
        double v = lengths.getDouble(b);
        long n = Casting.doubleToInt64(v);
        if (!(n >= 0 && n <= max)) {
            throw error("input '" + input + "' holds " + v + " at batch entry " + b + ", outside [0, " + max
                    + "] for shape " + of);
        }
        return (int) n;
    }

    /** Batch entry {@code b}'s label sequence, ended by its length or by the first padding value. */
    private int[] labels(NDArray label, int b, int maxLabel, NDArray lengths, int padding, int blank, int classes) {
        int n;
        if (lengths != null) {
            n = length(lengths, b, maxLabel, "label_lengths", label.shape());
        } else {
            n = 0;
            while (n < maxLabel && (int) label.getDouble(b * maxLabel + n) != padding) {
                n++;
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double v = label.getDouble(b * maxLabel + i);
            int c = (int) v;
            if (c < 0 || c >= classes || c == blank) {
                throw error("input 'label' holds " + v + " at (" + b + ", " + i + "), not a class index in [0, "
                        + classes + ") other than the blank " + blank + " (label of shape " + label.shape() + ")");
            }
            out[i] = c;
        }
        return out;
    }

    /** {@code data} gets the forward's gradient scaled per sequence by the output gradient; the rest get none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T scale = g.apply("Reshape", Map.of("shape", "(1, -1, 1)"), g.outGrad(0));
        List<T> grads = new ArrayList<>();
        grads.add(g.apply("broadcast_mul", scale, g.output(1)));
        for (int i = 1; i < g.numInputs(); i++) {
            grads.add(null);
        }
        return grads;
    }
}
