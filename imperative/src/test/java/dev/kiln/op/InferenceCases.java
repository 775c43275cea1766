package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Example applications of every built-in op, for registry-wide inference tests: the gradient cases of
 * {@link OpGradientTest}, the cases of {@link ForwardOnlyCases} for ops without one, and every application the
 * gradient rules of those cases make (which covers the {@code _backward_*} ops with inputs that really occur).
 */
final class InferenceCases {
    private static List<InferenceCase> all;

    private InferenceCases() {
    }

    /** All cases, built once. */
    static synchronized List<InferenceCase> all() {
        if (all == null) {
            List<InferenceCase> cases = new ArrayList<>();
            for (GradientCase g : OpGradientTest.allCases()) {
                cases.add(new InferenceCase(g.toString(), g.op(), new LinkedHashMap<>(g.attrs()), g.checkedInputs(),
                        g.training()));
            }
            cases.addAll(ForwardOnlyCases.cases());
            List<InferenceCase> derived = new ArrayList<>();
            for (InferenceCase c : cases) {
                derived.addAll(gradientApplications(c));
            }
            cases.addAll(derived);
            all = List.copyOf(cases);
        }
        return all;
    }

    /** The built-in ops: those whose classes come from the main code, not from tests that register their own. */
    static Collection<OpDef> builtinOps() {
        var main = OpDef.class.getProtectionDomain().getCodeSource().getLocation();
        List<OpDef> ops = new ArrayList<>();
        for (OpDef op : OpRegistry.global().ops()) {
            if (op.getClass().getProtectionDomain().getCodeSource().getLocation().equals(main)) {
                ops.add(op);
            }
        }
        return ops;
    }

    /** Built-in ops without a case, by name. */
    static TreeSet<String> uncovered() {
        TreeSet<String> missing = new TreeSet<>();
        for (OpDef op : builtinOps()) {
            missing.add(op.name());
        }
        for (InferenceCase c : all()) {
            missing.remove(c.def().name());
        }
        return missing;
    }

    /**
     * The applications the op's gradient rule makes for this case (its head gradients ones), each as a case run
     * under the case's training flag; none for ops that are not differentiable.
     */
    static List<InferenceCase> gradientApplications(InferenceCase c) {
        OpDef op = c.def();
        if (!op.isDifferentiable()) {
            return List.of();
        }
        Attrs attrs = c.parsedAttrs();
        boolean before = OpContext.setTraining(c.training());
        try {
            List<NDArray> outputs = allOutputs(op, attrs, c.inputs());
            List<NDArray> heads = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) {
                NDArray o = outputs.get(i);
                heads.add(i < op.numVisibleOutputs(attrs) && o.dtype().isFloating()
                        ? NDArray.full(o.shape(), 1, o.dtype(), Device.cpu()) : null);
            }
            boolean[] required = new boolean[c.inputs().size()];
            Arrays.fill(required, true);
            Recording backend = new Recording(c.training());
            op.gradient(new Gradient<>(backend, op, attrs, c.inputs(), outputs, heads, required, c.training()));
            return backend.cases;
        } finally {
            OpContext.setTraining(before);
        }
    }

    /** Every output of one eager application, hidden ones included (Ops.invoke returns the visible ones). */
    private static List<NDArray> allOutputs(OpDef op, Attrs attrs, List<NDArray> inputs) {
        List<Shape> shapes = new ArrayList<>();
        List<DType> types = new ArrayList<>();
        for (NDArray x : inputs) {
            shapes.add(x.shape());
            types.add(x.dtype());
        }
        return op.compute(new Invocation(op, attrs, inputs, op.inferShapes(attrs, shapes),
                op.inferTypes(attrs, types), Device.cpu()));
    }

    /** The eager backend, remembering each application as a case. */
    private static final class Recording implements OpBackend<NDArray> {
        private final boolean training;
        private final List<InferenceCase> cases = new ArrayList<>();

        Recording(boolean training) {
            this.training = training;
        }

        @Override
        public List<NDArray> apply(String op, Map<String, ?> attrs, List<NDArray> inputs) {
            cases.add(new InferenceCase(op + " (from a gradient rule)", op, new LinkedHashMap<>(attrs),
                    List.copyOf(inputs), training));
            return EagerBackend.INSTANCE.apply(op, attrs, inputs);
        }
    }
}
