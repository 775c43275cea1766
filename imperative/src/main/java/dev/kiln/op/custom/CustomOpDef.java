package dev.kiln.op.custom;

import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * MXNet's {@code Custom}: applies the registered custom operator named by {@code op_type}. Its inputs are the prop's
 * arguments then auxiliary states, its outputs the prop's outputs plus one hidden {@code state} output that links the
 * call to its {@link CustomOp} instance; every other attribute goes to the prop as a string. The gradient is
 * {@code _backward_Custom}, which runs the same instance's {@link CustomOp#backward}.
 */
final class CustomOpDef extends OpDef {
    static final AttrSpec<String> OP_TYPE = AttrSpec.required("op_type", AttrType.STRING,
            "Name of the custom operator, as registered with CustomOps.register.");

    CustomOpDef() {
        super("Custom", OpFamily.CUSTOM, List.of("data"), List.of(OP_TYPE));
    }

    @Override
    public String doc() {
        return "Applies a custom operator registered with CustomOps.register; other attributes go to its prop.";
    }

    @Override
    public boolean acceptsExtraAttrs() {
        return true;
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        CustomOpProp prop = CustomOps.prop(attrs);
        List<String> names = new ArrayList<>(prop.listArguments());
        names.addAll(prop.listAuxiliaryStates());
        return names;
    }

    @Override
    public List<Integer> auxInputIndices(Attrs attrs) {
        CustomOpProp prop = CustomOps.prop(attrs);
        int args = prop.listArguments().size();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < prop.listAuxiliaryStates().size(); i++) {
            idx.add(args + i);
        }
        return idx;
    }

    /**
     * A custom operator is the user's code, which may draw random numbers or keep state, and each call creates its
     * own operator instance; treated as random so passes never merge or drop a call.
     */
    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return true;
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return CustomOps.prop(attrs).listOutputs().size() + 1;
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return CustomOps.prop(attrs).listOutputs().size();
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        List<String> names = new ArrayList<>(CustomOps.prop(attrs).listOutputs());
        names.add("state");
        return names;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        CustomOpProp prop = CustomOps.prop(attrs);
        int args = prop.listArguments().size();
        CustomOpProp.Inferred<Shape> s = prop.inferShape(List.copyOf(inputShapes.subList(0, args)));
        check(attrs, prop, "inferShape", s, inputShapes);
        List<Shape> out = new ArrayList<>(s.outputs());
        out.add(Shape.of(0));
        return out;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        CustomOpProp prop = CustomOps.prop(attrs);
        int args = prop.listArguments().size();
        CustomOpProp.Inferred<DType> t = prop.inferType(List.copyOf(inputTypes.subList(0, args)));
        check(attrs, prop, "inferType", t, inputTypes);
        List<DType> out = new ArrayList<>(t.outputs());
        out.add(DType.FLOAT32);
        return out;
    }

    /** Checks what a prop inferred against its names and the given inputs (arguments, then auxiliary states). */
    private <V> void check(Attrs attrs, CustomOpProp prop, String method, CustomOpProp.Inferred<V> r, List<V> given) {
        String who = "custom op '" + attrs.get(OP_TYPE) + "': " + method + " ";
        List<String> args = prop.listArguments();
        List<String> aux = prop.listAuxiliaryStates();
        List<String> outs = prop.listOutputs();
        if (r == null) {
            throw error(who + "returned null");
        }
        if (r.inputs().size() != args.size() || r.outputs().size() != outs.size() || r.aux().size() != aux.size()) {
            throw error(who + "returned " + r.inputs().size() + " inputs, " + r.outputs().size() + " outputs and "
                    + r.aux().size() + " auxiliary states; the prop lists " + args + ", " + outs + " and " + aux);
        }
        for (int i = 0; i < args.size(); i++) {
            if (!given.get(i).equals(r.inputs().get(i))) {
                throw error(who + "changed input '" + args.get(i) + "' from " + given.get(i) + " to "
                        + r.inputs().get(i) + "; pass an input of " + r.inputs().get(i) + " instead");
            }
        }
        for (int i = 0; i < aux.size(); i++) {
            if (!given.get(args.size() + i).equals(r.aux().get(i))) {
                throw error(who + "expects auxiliary state '" + aux.get(i) + "' to be " + r.aux().get(i) + ", got "
                        + given.get(args.size() + i));
            }
        }
        for (int i = 0; i < outs.size(); i++) {
            V o = r.outputs().get(i);
            if (o == null || (o instanceof Shape shape && !shape.isKnown())) {
                throw error(who + "left output '" + outs.get(i) + "' undetermined: " + o);
            }
        }
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        CustomOpProp prop = CustomOps.prop(call.attrs());
        int args = prop.listArguments().size();
        int outs = prop.listOutputs().size();
        List<NDArray> inData = call.inputs().subList(0, args);
        List<NDArray> aux = call.inputs().subList(args, call.inputs().size());
        List<NDArray> outData = new ArrayList<>(outs + 1);
        for (int i = 0; i < outs; i++) {
            outData.add(call.newOutput(i));
        }
        CustomOp op = prop.createOperator(call.device(), shapes(inData), types(inData));
        op.forward(OpContext.isTraining(), Collections.nCopies(outs, GradReq.WRITE), inData,
                Collections.unmodifiableList(outData), aux);
        NDArray state = call.newOutput(outs);
        OperatorStates.put(state, op);
        outData.add(state);
        return outData;
    }

    /**
     * {@code _backward_Custom} on the output gradients (when the prop needs them), the inputs, the outputs, the
     * auxiliary states and the hidden state; auxiliary states get no gradient.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        CustomOpProp prop = CustomOps.prop(g.attrs());
        int args = prop.listArguments().size();
        int outs = prop.listOutputs().size();
        List<T> in = new ArrayList<>();
        if (prop.needTopGrad()) {
            for (int i = 0; i < outs; i++) {
                in.add(g.outGrad(i));
            }
        }
        for (int i = 0; i < args; i++) {
            in.add(g.input(i));
        }
        for (int i = 0; i < outs; i++) {
            in.add(g.output(i));
        }
        for (int i = args; i < g.numInputs(); i++) {
            in.add(g.input(i));
        }
        in.add(g.output(outs));
        List<T> grads = new ArrayList<>(g.backend().apply("_backward_Custom", g.attrs().toMXNetStrings(this), in));
        while (grads.size() < g.numInputs()) {
            grads.add(null);
        }
        return grads;
    }

    static List<Shape> shapes(List<NDArray> arrays) {
        List<Shape> s = new ArrayList<>(arrays.size());
        arrays.forEach(a -> s.add(a.shape()));
        return s;
    }

    static List<DType> types(List<NDArray> arrays) {
        List<DType> t = new ArrayList<>(arrays.size());
        arrays.forEach(a -> t.add(a.dtype()));
        return t;
    }
}
