package dev.kiln.op.rnn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code _backward_RNN}: the gradients of the fused {@code RNN} op's data, parameter vector and initial states, by
 * back-propagation through time. Takes the forward's attributes and inputs, its dropout mask (when it has one) and
 * the gradients of its visible outputs.
 * <p>
 * Why a backward op rather than a rule over other ops: back-propagation through time is a loop over every time
 * step, layer and direction, so a rule written with other ops would unroll into a graph of hundreds of nodes per
 * sequence (and differ per sequence length); MXNet has {@code _backward_RNN} for the same reason. The kernel replays
 * the forward pass in plain Java from the inputs and the recorded dropout mask (the same {@link RnnKernel} code as the
 * forward, so the trajectory is bit-identical) and then runs a hand-written BPTT over it; it does not record ops on
 * Kiln's autograd tape, so it needs no nested autograd inside a kernel. Like the other {@code _backward_*} ops it is
 * not itself differentiable.
 */
final class RNNBackwardOp extends OpDef {
    static final String NAME = "_backward_RNN";
    private final RNNOp forward;

    RNNBackwardOp(RNNOp forward) {
        super(NAME, OpFamily.NN, List.of("data", "parameters", "state", "state_cell", "dropout_mask", "out_grad",
                "state_grad", "statecell_grad"), RNNOp.ATTRS);
        this.forward = forward;
    }

    @Override
    public String doc() {
        return "Gradients of RNN's data, parameters and initial states by back-propagation through time.";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        List<String> names = new ArrayList<>(forward.inputNames(attrs));
        if (RNNOp.hasDropout(attrs)) {
            names.add("dropout_mask");
        }
        List<String> grads = List.of("out_grad", "state_grad", "statecell_grad");
        names.addAll(grads.subList(0, forward.numVisibleOutputs(attrs)));
        return names;
    }

    /** One gradient per forward input. */
    @Override
    public int numOutputs(Attrs attrs) {
        return forward.inputNames(attrs).size();
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public boolean hasZeroGradient() {
        return false;
    }

    /** The gradients have the forward inputs' shapes; the rest must be what the forward call produced. */
    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        int n = numOutputs(attrs);
        List<Shape> forwardOut = forward.inferShapes(attrs, inputShapes.subList(0, n));
        List<String> names = inputNames(attrs);
        for (int i = n; i < inputShapes.size(); i++) {
            if (!inputShapes.get(i).equals(forwardOut.get(outputOf(attrs, i - n)))) {
                throw error("input '" + names.get(i) + "' has shape " + inputShapes.get(i) + " but the forward call "
                        + "gives " + forwardOut.get(outputOf(attrs, i - n)));
            }
        }
        return List.copyOf(inputShapes.subList(0, n));
    }

    /** Which forward output input {@code n + j} of this op belongs to: the mask comes first, then the gradients. */
    private int outputOf(Attrs attrs, int j) {
        int visible = forward.numVisibleOutputs(attrs);
        if (RNNOp.hasDropout(attrs)) {
            return j == 0 ? visible : j - 1;
        }
        return j;
    }

    /** Each gradient has its forward input's shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        for (int i = 0; i < slots.numOutputs(); i++) {
            slots.unify(new int[] {i}, new int[] {i});
        }
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Attrs attrs = call.attrs();
        RnnGeometry g = forward.geometry(attrs, call.input(0).shape());
        int n = numOutputs(attrs);
        double[] h0 = call.input(2).toDoubleArray();
        double[] c0 = g.mode().hasCellState() ? call.input(3).toDoubleArray() : null;
        double[][] masks = null;
        int next = n;
        if (RNNOp.hasDropout(attrs)) {
            double[] all = call.input(next++).toDoubleArray();
            int per = all.length / (g.layers() - 1);
            masks = new double[g.layers() - 1][];
            for (int l = 0; l < masks.length; l++) {
                masks[l] = java.util.Arrays.copyOfRange(all, l * per, (l + 1) * per);
            }
        }
        double[] dy = call.input(next++).toDoubleArray();
        double[] dhy = attrs.get(RNNOp.STATE_OUTPUTS) ? call.input(next++).toDoubleArray() : null;
        double[] dcy = attrs.get(RNNOp.STATE_OUTPUTS) && g.mode().hasCellState() ? call.input(next).toDoubleArray()
                : null;
        RnnKernel kernel = new RnnKernel(g, call.input(1).toDoubleArray());
        RnnKernel.Trajectory tr = kernel.forward(call.input(0).toDoubleArray(), h0, c0, masks);
        RnnKernel.Gradients d = kernel.backward(tr, h0, c0, masks, dy, dhy, dcy);
        List<NDArray> out = new ArrayList<>();
        out.add(RNNOp.filled(call.newOutput(0), d.data()));
        out.add(RNNOp.filled(call.newOutput(1), d.params()));
        out.add(RNNOp.filled(call.newOutput(2), d.state()));
        if (g.mode().hasCellState()) {
            out.add(RNNOp.filled(call.newOutput(3), d.stateCell()));
        }
        return out;
    }
}
