package dev.kiln.conformance;

import dev.kiln.KilnException;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an {@link OpCase} in real MXNet and in Kiln and fails with a precise report unless every output agrees in
 * shape, dtype and value. Also checked: auxiliary states the op updates in place (BatchNorm's moving statistics) end
 * up equal, and Kiln leaves every other input untouched. A case marked rejected passes only if both libraries raise.
 */
final class Conformance {
    private Conformance() {
    }

    /** Runs op {@code op} with MXNet-form string attributes on {@code inputs} in both libraries and compares. */
    static void check(String op, Map<String, String> attrs, NDArray... inputs) {
        OpCase c = OpCase.of(op, inputs);
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            c = c.attr(e.getKey(), e.getValue());
        }
        check(c);
    }

    /** Compares Kiln with MXNet on {@code c}; throws {@link AssertionError} describing any disagreement. */
    static void check(OpCase c) {
        check(c, OpRegistry.global().get(c.op()));
    }

    /** Compares {@code op}, a Kiln definition, with MXNet's op named {@code c.op()}. */
    static void check(OpCase c, OpDef op) {
        MXNet mx = MXNet.get();
        boolean prevMx = mx.setTraining(c.training());
        boolean prevKiln = OpContext.setTraining(c.training());
        try {
            MXResult expected = runMXNet(mx, c, auxIndices(op, c));
            List<NDArray> kilnInputs = new ArrayList<>(c.inputs().size());
            for (NDArray x : c.inputs()) {
                kilnInputs.add(x.copy());
            }
            List<NDArray> actual;
            try {
                actual = Ops.invoke(op, op.attrs(c.attrs()), kilnInputs);
            } catch (KilnException e) {
                if (c.rejected() && expected.error != null) {
                    return;
                }
                if (expected.error != null) {
                    throw failure(c, op, "MXNet rejects this case too; the table should mark it expectRejected():\n"
                            + "  MXNet: " + expected.error.mxnetMessage() + "\n  Kiln: " + e.getMessage(), e);
                }
                throw failure(c, op, "Kiln raised an error where MXNet succeeds: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw failure(c, op, "Kiln crashed with " + e, e);
            }
            if (expected.error != null) {
                throw failure(c, op, (c.rejected() ? "Kiln accepts a case MXNet rejects: "
                        : "MXNet rejects this case (a table error, or mark it expectRejected()): ")
                        + expected.error.mxnetMessage(), null);
            }
            if (c.rejected()) {
                throw failure(c, op, "the table marks this case rejected but both MXNet and Kiln accept it", null);
            }
            compareOutputs(c, op, expected, actual, kilnInputs);
        } finally {
            mx.setTraining(prevMx);
            OpContext.setTraining(prevKiln);
        }
    }

    /** Runs {@code c} in MXNet only and fails unless MXNet's verdict matches the table (accepts, or rejects). */
    static void checkMXNetAgreesWithTable(OpCase c) {
        MXNet mx = MXNet.get();
        boolean prev = mx.setTraining(c.training());
        try {
            MXResult r = runMXNet(mx, c, List.of());
            if (r.error != null && !c.rejected()) {
                throw new AssertionError("MXNet rejects table case " + c.describe() + ": " + r.error.mxnetMessage()
                        + "\n" + c.inputDetails(null), r.error);
            }
            if (r.error == null && c.rejected()) {
                throw new AssertionError("MXNet accepts table case " + c.describe() + " marked expectRejected()");
            }
        } finally {
            mx.setTraining(prev);
        }
    }

    private static List<Integer> auxIndices(OpDef op, OpCase c) {
        try {
            return op.auxInputIndices(op.attrs(c.attrs()));
        } catch (KilnException e) {
            return List.of();
        }
    }

    /** MXNet's outputs and its aux inputs after the call, or the error it raised. */
    private record MXResult(List<NDArray> outputs, List<NDArray> auxAfter, MXNetException error) {
    }

    /**
     * Runs {@code c} in MXNet. A training case runs as one Gluon training step: the first input is marked as a
     * variable, the call is recorded, and the first output is back-propagated, because MXNet 1.9 updates auxiliary
     * states (BatchNorm's moving statistics) in the backward pass while Kiln updates them in the forward call.
     */
    private static MXResult runMXNet(MXNet mx, OpCase c, List<Integer> aux) {
        List<MXArray> in = new ArrayList<>();
        List<MXArray> grads = new ArrayList<>();
        boolean prevNumpyShape = mx.setNumpyShape(c.numpyShape());
        try {
            for (NDArray x : c.inputs()) {
                in.add(mx.array(x));
            }
            boolean step = c.training() && !in.isEmpty() && c.inputs().get(0).dtype().isFloating();
            if (step) {
                NDArray first = c.inputs().get(0);
                grads.add(mx.array(NDArray.zeros(first.shape(), first.dtype(), Device.cpu())));
                mx.markVariables(in.subList(0, 1), grads);
            }
            List<MXArray> out;
            boolean prevRecording = step && mx.setRecording(true);
            try {
                out = mx.invoke(c.op(), c.attrs(), in);
            } catch (MXNetException e) {
                return new MXResult(List.of(), List.of(), e);
            } finally {
                if (step) {
                    mx.setRecording(prevRecording);
                }
            }
            List<NDArray> outputs = new ArrayList<>();
            try {
                if (step) {
                    mx.backward(out.subList(0, 1));
                }
                for (MXArray o : out) {
                    outputs.add(o.toNDArray());
                }
            } finally {
                out.forEach(MXArray::close);
            }
            List<NDArray> auxAfter = new ArrayList<>();
            for (int i : aux) {
                auxAfter.add(in.get(i).toNDArray());
            }
            return new MXResult(outputs, auxAfter, null);
        } finally {
            in.forEach(MXArray::close);
            grads.forEach(MXArray::close);
            mx.setNumpyShape(prevNumpyShape);
        }
    }

    private static void compareOutputs(OpCase c, OpDef op, MXResult expected, List<NDArray> actual,
                                       List<NDArray> kilnInputs) {
        List<String> problems = new ArrayList<>();
        if (actual.size() != expected.outputs.size()) {
            problems.add("  Kiln returns " + actual.size() + " outputs, MXNet " + expected.outputs.size());
        }
        for (int i = 0; i < Math.min(actual.size(), expected.outputs.size()); i++) {
            Optional<String> d = ArrayComparison.compare(actual.get(i), expected.outputs.get(i), c.tolerance());
            int index = i;
            d.ifPresent(s -> problems.add("  output " + index + ": " + s + valuesIfSmall(actual.get(index),
                    expected.outputs.get(index))));
        }
        List<Integer> aux = auxIndices(op, c);
        List<String> names = inputNames(op, c);
        for (int j = 0; j < kilnInputs.size(); j++) {
            int auxPos = aux.indexOf(j);
            String name = j < names.size() ? names.get(j) : "input" + j;
            if (auxPos >= 0) {
                Optional<String> d = ArrayComparison.compare(kilnInputs.get(j), expected.auxAfter.get(auxPos),
                        c.tolerance());
                d.ifPresent(s -> problems.add("  auxiliary state '" + name + "' after the call: " + s));
            } else {
                Optional<String> d = ArrayComparison.compare(kilnInputs.get(j), c.inputs().get(j), Tolerance.EXACT);
                d.ifPresent(s -> problems.add("  Kiln modified its input '" + name + "': " + s));
            }
        }
        if (!problems.isEmpty()) {
            throw failure(c, op, String.join("\n", problems), null);
        }
    }

    private static String valuesIfSmall(NDArray kiln, NDArray mxnet) {
        if (mxnet.size() > 24 || kiln.size() > 24) {
            return "";
        }
        return "\n    Kiln:  " + ArrayComparison.values(kiln) + "\n    MXNet: " + ArrayComparison.values(mxnet);
    }

    private static List<String> inputNames(OpDef op, OpCase c) {
        try {
            Attrs a = op.attrs(c.attrs());
            return op.inputNames(a);
        } catch (KilnException e) {
            return op.declaredInputs();
        }
    }

    private static AssertionError failure(OpCase c, OpDef op, String problem, Throwable cause) {
        String msg = "Kiln disagrees with MXNet 1.9 on " + c.describe() + "\n  attrs: " + c.attrs() + "\n"
                + c.inputDetails(inputNames(op, c)) + "\n" + problem;
        return new AssertionError(msg, cause);
    }
}
