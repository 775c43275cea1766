package dev.kiln.op.elementwise;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.function.DoublePredicate;

/**
 * A test of each element whose output is a bool array, as MXNet's NumPy-style {@code isnan}, {@code isinf} and
 * {@code isfinite} ({@code _npi_*}); integer inputs are always finite.
 */
public final class PredicateOp extends OpDef {
    private final String doc;
    private final DoublePredicate test;

    PredicateOp(String name, String doc, DoublePredicate test, String... aliases) {
        super(name, OpFamily.ELEMENTWISE, List.of("x"), List.of(), aliases);
        this.doc = doc;
        this.test = test;
    }

    /** MXNet 1.x has these NumPy predicates only as {@code _npi_isnan} and friends, their alias here. */
    @Override
    public String mxnetName() {
        return aliases().stream().filter(a -> a.startsWith("_npi_")).findFirst().orElse(name());
    }

    @Override
    public String doc() {
        return doc;
    }

    /** The test on one value. */
    public boolean test(double x) {
        return test.test(x);
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(DType.BOOL);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    /** The output has the input's shape; its dtype is bool whatever the input's. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.assignOutput(0, DType.BOOL);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        DType t = in.dtype();
        Object a = in.data();
        byte[] o = (byte[]) out.data();
        Parallel.forRange(in.size(), UnaryOp.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                o[i] = test.test(Storage.get(t, a, i)) ? (byte) 1 : (byte) 0;
            }
        });
        return List.of(out);
    }
}
