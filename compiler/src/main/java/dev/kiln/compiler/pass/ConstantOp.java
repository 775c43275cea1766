package dev.kiln.compiler.pass;

import dev.kiln.KilnException;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.List;
import java.util.Map;

/**
 * {@code _kiln_constant}: the node constant folding leaves in place of a computation whose result is known when the
 * graph is compiled. The graph IR has no constant node kind, so a constant is an op with no inputs whose attribute
 * {@code value} holds the arrays (one per output of the node it replaced) and whose kernel returns them: the reference
 * interpreter and shape and dtype inference need nothing new, and a code generator recognises the op and reads the
 * arrays with {@link #values}. The arrays are shared by every run and must not be written; folding never puts a
 * constant where a graph output or an in-place update would expose it. The op is not registered: it exists only in
 * compiled graphs and cannot be written to or read from symbol files. Two constants are equal when they hold the same
 * array objects.
 */
public final class ConstantOp extends OpDef {
    /** The held arrays, one per output; equal when the same array objects are held. */
    public record Values(List<NDArray> arrays) {
        public Values {
            arrays = List.copyOf(arrays);
            if (arrays.isEmpty()) {
                throw new KilnException("op '_kiln_constant': needs at least one array");
            }
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Values v) || v.arrays.size() != arrays.size()) {
                return false;
            }
            for (int k = 0; k < arrays.size(); k++) {
                if (arrays.get(k) != v.arrays.get(k)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (NDArray a : arrays) {
                h = 31 * h + System.identityHashCode(a);
            }
            return h;
        }

        /** Each array's dtype and shape, {@code float32 (2, 3)}, separated by {@code ;}. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (NDArray a : arrays) {
                sb.append(sb.isEmpty() ? "" : "; ").append(a.dtype()).append(' ').append(a.shape());
            }
            return sb.toString();
        }
    }

    private static final AttrType<Values> VALUES_TYPE = new AttrType.Simple<>("arrays", Values.class) {
        @Override
        public Values parse(String text) {
            throw new KilnException("op '_kiln_constant': a constant's value cannot be given as text ('" + text
                    + "'); constants exist only in compiled graphs");
        }
    };

    /** The held arrays. */
    public static final AttrSpec<Values> VALUE = AttrSpec.required("value", VALUES_TYPE,
            "the arrays the node returns, one per output");

    /** The one instance; compare {@code node.op() == ConstantOp.INSTANCE}. */
    public static final ConstantOp INSTANCE = new ConstantOp();

    private ConstantOp() {
        super("_kiln_constant", OpFamily.CREATION, List.of(), List.of(VALUE));
    }

    /** A constant node named {@code name} returning {@code values}, one output each. */
    public static OpNode node(String name, List<NDArray> values) {
        return new OpNode(name, INSTANCE, INSTANCE.attrs(Map.of(VALUE.name(), new Values(values))), List.of());
    }

    /** The arrays a constant node returns. */
    public static List<NDArray> values(OpNode node) {
        if (node.op() != INSTANCE) {
            throw new KilnException("node '" + node.name() + "' applies " + node.op().name() + ", not _kiln_constant");
        }
        return node.params().get(VALUE).arrays();
    }

    @Override
    public String doc() {
        return "Returns arrays computed when the graph was compiled.";
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return attrs.get(VALUE).arrays().size();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return attrs.get(VALUE).arrays().stream().map(NDArray::shape).toList();
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return attrs.get(VALUE).arrays().stream().map(NDArray::dtype).toList();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        return call.attr(VALUE).arrays();
    }

    /** A constant passes no gradient to anything. */
    @Override
    public boolean isDifferentiable() {
        return false;
    }
}
