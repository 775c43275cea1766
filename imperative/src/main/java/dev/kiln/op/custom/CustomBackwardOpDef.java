package dev.kiln.op.custom;

import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * MXNet's {@code _backward_Custom}: the input gradients of a {@code Custom} call, from its output gradients (only
 * when the prop needs them), inputs, outputs, auxiliary states and hidden state. Runs {@link CustomOp#backward} on
 * the instance that ran the forward call when the state is known, else on a fresh one from the prop. Has the same
 * attributes as {@code Custom}; it is not differentiable itself.
 */
final class CustomBackwardOpDef extends OpDef {

    CustomBackwardOpDef() {
        super("_backward_Custom", OpFamily.CUSTOM, List.of("data"), List.of(CustomOpDef.OP_TYPE));
    }

    @Override
    public String doc() {
        return "Gradient of Custom: runs the custom operator's backward.";
    }

    @Override
    public boolean acceptsExtraAttrs() {
        return true;
    }

    /** Runs the user's backward code, which passes must not merge or drop (see {@code Custom}). */
    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return true;
    }

    /** Where each group of inputs starts, for one prop. */
    private record Layout(int outGrads, int args, int outs, int aux) {
        static Layout of(CustomOpProp prop) {
            int outs = prop.listOutputs().size();
            return new Layout(prop.needTopGrad() ? outs : 0, prop.listArguments().size(), outs,
                    prop.listAuxiliaryStates().size());
        }

        int argsStart() {
            return outGrads;
        }

        int outsStart() {
            return outGrads + args;
        }

        int auxStart() {
            return outGrads + args + outs;
        }

        int state() {
            return outGrads + args + outs + aux;
        }
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        CustomOpProp prop = CustomOps.prop(attrs);
        List<String> names = new ArrayList<>();
        if (prop.needTopGrad()) {
            prop.listOutputs().forEach(o -> names.add("out_grad_" + o));
        }
        prop.listArguments().forEach(a -> names.add("in_data_" + a));
        prop.listOutputs().forEach(o -> names.add("out_data_" + o));
        prop.listAuxiliaryStates().forEach(a -> names.add("aux_" + a));
        names.add("state");
        return names;
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return CustomOps.prop(attrs).listArguments().size();
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        List<String> names = new ArrayList<>();
        CustomOps.prop(attrs).listArguments().forEach(a -> names.add("in_grad_" + a));
        return names;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Layout l = Layout.of(CustomOps.prop(attrs));
        return List.copyOf(inputShapes.subList(l.argsStart(), l.outsStart()));
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        Layout l = Layout.of(CustomOps.prop(attrs));
        return List.copyOf(inputTypes.subList(l.argsStart(), l.outsStart()));
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public boolean hasZeroGradient() {
        return false;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        CustomOpProp prop = CustomOps.prop(call.attrs());
        Layout l = Layout.of(prop);
        List<NDArray> in = call.inputs();
        List<NDArray> inData = in.subList(l.argsStart(), l.outsStart());
        CustomOp op = OperatorStates.get(in.get(l.state()));
        if (op == null) {
            op = prop.createOperator(call.device(), CustomOpDef.shapes(inData), CustomOpDef.types(inData));
        }
        List<NDArray> inGrad = new ArrayList<>(l.args());
        for (int i = 0; i < l.args(); i++) {
            inGrad.add(call.newOutput(i));
        }
        op.backward(Collections.nCopies(l.args(), GradReq.WRITE), in.subList(0, l.outGrads()), inData,
                in.subList(l.outsStart(), l.auxStart()), Collections.unmodifiableList(inGrad),
                in.subList(l.auxStart(), l.state()));
        return inGrad;
    }
}
