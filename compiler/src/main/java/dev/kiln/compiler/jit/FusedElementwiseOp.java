package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A group of elementwise nodes fused into one node by {@link FusionPass}: reads {@code data0, data1, ...} (all of one
 * shape and dtype) and writes the group's outputs, computed by a {@link FusedExpression}. It is an ordinary op, so the
 * reference interpreter runs a fused graph; its kernel is the expression's element-by-element evaluation until the
 * JIT attaches a generated one ({@link #withKernel}). Not registered: each group is its own op instance. Fusion runs
 * after the gradient graph is built, so the op has no gradient rule (asking for one is an error).
 */
public final class FusedElementwiseOp extends FusedOp {
    /** The op name fused nodes show in graph listings. */
    public static final String NAME = "_fused_elementwise";

    private final FusedExpression expression;
    private final FusedKernel kernel;
    private volatile LastLayout lastLayout;

    /** A fused op computing {@code expression} with its reference evaluation. */
    public FusedElementwiseOp(FusedExpression expression) {
        this(expression, expression);
    }

    private FusedElementwiseOp(FusedExpression expression, FusedKernel kernel) {
        super(NAME, OpFamily.ELEMENTWISE, expression.dtype(), expression.numInputs(), outputNames(expression));
        this.expression = expression;
        this.kernel = kernel;
    }

    private static List<String> outputNames(FusedExpression expression) {
        List<String> out = new ArrayList<>();
        for (int v : expression.outputs()) {
            out.add(expression.stepOf(v).name());
        }
        return out;
    }

    /** This group computed by {@code generated} (which must compute the same expression) instead of the reference. */
    public FusedElementwiseOp withKernel(FusedKernel generated) {
        return new FusedElementwiseOp(expression, generated);
    }

    public FusedExpression expression() {
        return expression;
    }

    /** The loop {@link #compute} runs: a generated kernel, or the expression's reference evaluation. */
    public FusedKernel kernel() {
        return kernel;
    }

    @Override
    public String doc() {
        return "Fused elementwise group: " + expression;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        if (expression.broadcasts()) {
            return Collections.nCopies(outputNames().size(), broadcastShape(inputShapes));
        }
        // every input is read at the output's index: equal shapes, or shapes of the output's size that broadcast to
        // it with only leading ones added ((3,) read as (1, 3))
        Shape s = inputShapes.get(0);
        for (int k = 1; k < inputShapes.size(); k++) {
            Shape t = inputShapes.get(k);
            Shape joined = t.equals(s) ? s : t.size() == s.size() ? broadcastOrNull(s, t) : null;
            if (joined == null || joined.size() != s.size()) {
                throw error("input '" + inputNames().get(k) + "' has shape " + t + " but '"
                        + inputNames().get(0) + "' has " + inputShapes.get(0) + "; a fused elementwise group reads "
                        + "equal shapes (" + outputNames() + ")");
            }
            s = joined;
        }
        return Collections.nCopies(outputNames().size(), s);
    }

    private static Shape broadcastOrNull(Shape a, Shape b) {
        try {
            return Shape.broadcast(a, b);
        } catch (dev.kiln.KilnException e) {
            return null;
        }
    }

    /** The output of a broadcasting group: the inputs broadcast together, read the way the group was fused for. */
    private Shape broadcastShape(List<Shape> inputShapes) {
        Shape out = inputShapes.get(0);
        try {
            for (Shape s : inputShapes.subList(1, inputShapes.size())) {
                out = Shape.broadcast(out, s);
            }
        } catch (dev.kiln.KilnException e) {
            throw error("inputs of shapes " + inputShapes + " do not broadcast together (" + outputNames() + "): "
                    + e.getMessage());
        }
        List<FusedExpression.Access> found = BroadcastLayout.accesses(inputShapes, out);
        if (!found.equals(expression.accesses())) {
            throw error("inputs of shapes " + inputShapes + " broadcast to " + out + " as " + found + ", but the "
                    + "group " + outputNames() + " was fused for " + expression.accesses());
        }
        return out;
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        boolean known = true;
        Shape first = null;
        boolean equal = true;
        for (Shape s : slots.inputs()) {
            known &= s != null && s.isKnown();
            if (s != null && first != null && !s.equals(first)) {
                equal = false;
            }
            first = first == null ? s : first;
        }
        if (known) {
            slots.assignOutputs(inferShapes(slots.attrs(), slots.inputs()));
        } else if (!expression.broadcasts() && equal) {
            slots.unifyAll(); // equal shapes throughout: what one slot knows, all do
        }
    }

    /** The generated loop assigns every element of every output. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Object[] in = new Object[call.inputs().size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = call.input(k).data();
        }
        List<NDArray> outputs = new ArrayList<>(outputNames().size());
        Object[] out = new Object[outputNames().size()];
        for (int k = 0; k < out.length; k++) {
            NDArray o = call.newOutput(k);
            outputs.add(o);
            out[k] = o.data();
        }
        int n = outputs.get(0).size();
        if (n == 0) {
            return outputs;
        }
        if (expression.broadcasts()) {
            BroadcastLayout layout = layout(call);
            Parallel.forRange(n, grain(), (from, to) -> kernel.run(in, out, layout.offsets(), layout.inner(), from,
                    to));
        } else {
            Parallel.forRange(n, grain(), (from, to) -> kernel.run(in, out, from, to));
        }
        return outputs;
    }

    /** The row layout of this call's input shapes; the last one is kept, since a graph sees the same shapes. */
    private BroadcastLayout layout(Invocation call) {
        List<Shape> shapes = new ArrayList<>(call.inputs().size());
        for (NDArray a : call.inputs()) {
            shapes.add(a.shape());
        }
        Shape out = call.outputShapes().get(0);
        LastLayout last = lastLayout;
        if (last == null || !last.shapes().equals(shapes)) {
            last = new LastLayout(shapes, BroadcastLayout.of(shapes, out));
            lastLayout = last;
        }
        return last.layout();
    }

    private record LastLayout(List<Shape> shapes, BroadcastLayout layout) {
    }

    /** Elements per parallel chunk: fewer for longer expressions, so each chunk costs about the same. */
    private int grain() {
        return Math.max(1024, 32768 / Math.max(1, expression.steps().size()));
    }
}
