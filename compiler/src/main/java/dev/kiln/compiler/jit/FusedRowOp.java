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
 * A group that {@link RowFusionPass} fused around row reductions (softmax, LayerNorm, sum/mean/max/min along one
 * axis): one node that, row by row, gathers the row of each input, runs the {@link RowProgram}'s stages on row-sized
 * buffers (so no intermediate array of the group's size exists) and writes the rows of its outputs. Rows are split
 * across Kiln's threads; each row's arithmetic is that of the unfused ops, so results do not depend on the split.
 * Pointwise stages run their generated kernels once the JIT attaches them ({@link #withKernels}); until then their
 * expressions' reference evaluation. Built for static shapes only; no gradient rule (fusion follows differentiation).
 */
public final class FusedRowOp extends OpDef {
    /** The op name fused row nodes show in graph listings. */
    public static final String NAME = "_fused_rows";

    private final RowProgram program;
    private final List<FusedKernel> kernels;
    private final List<String> inputNames;
    private final List<String> outputNames;

    /** A fused row op running {@code program} with its reference kernels. */
    public FusedRowOp(RowProgram program) {
        this(program, referenceKernels(program));
    }

    private FusedRowOp(RowProgram program, List<FusedKernel> kernels) {
        super(NAME, OpFamily.REDUCE, List.of("data"), List.of());
        this.program = program;
        this.kernels = List.copyOf(kernels);
        List<String> in = new ArrayList<>();
        for (int k = 0; k < program.numInputs(); k++) {
            in.add("data" + k);
        }
        this.inputNames = Collections.unmodifiableList(in);
        List<String> out = new ArrayList<>();
        for (int v : program.outputs()) {
            out.add(program.names().get(v - program.numInputs()));
        }
        this.outputNames = Collections.unmodifiableList(out);
    }

    private static List<FusedKernel> referenceKernels(RowProgram program) {
        List<FusedKernel> k = new ArrayList<>();
        for (RowProgram.Stage s : program.stages()) {
            if (s instanceof RowProgram.Pointwise p) {
                k.add(p.expression());
            }
        }
        return k;
    }

    /** This group with its pointwise stages computed by generated kernels (one per pointwise stage, in order). */
    public FusedRowOp withKernels(List<FusedKernel> generated) {
        return new FusedRowOp(program, generated);
    }

    public RowProgram program() {
        return program;
    }

    @Override
    public String doc() {
        return "Fused row group: " + program;
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return inputNames;
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return outputNames.size();
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        return outputNames;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        if (!inputShapes.equals(program.inputShapes())) {
            throw error("inputs have shapes " + inputShapes + " but the row group " + outputNames + " was fused for "
                    + program.inputShapes() + " (fused row groups are built for static shapes)");
        }
        return program.outputShapes();
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.assignOutputs(program.outputShapes());
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        for (int k = 0; k < inputTypes.size(); k++) {
            if (inputTypes.get(k) != program.dtype()) {
                throw error("input '" + inputNames.get(k) + "' has dtype " + inputTypes.get(k) + " but the row group "
                        + outputNames + " was fused for " + program.dtype());
            }
        }
        return Collections.nCopies(outputNames.size(), program.dtype());
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        throw error("the fused row group " + outputNames + " has no gradient rule; build the gradient graph before "
                + "fusing (the JIT fuses forward and backward together)");
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        inferShapes(call.attrs(), call.inputs().stream().map(NDArray::shape).toList());
        Object[] in = new Object[program.numInputs()];
        for (int k = 0; k < in.length; k++) {
            in[k] = call.input(k).data();
        }
        List<NDArray> outputs = new ArrayList<>();
        Object[] out = new Object[outputNames.size()];
        for (int k = 0; k < out.length; k++) {
            NDArray o = call.newOutput(k);
            outputs.add(o);
            out[k] = o.data();
        }
        int rows = program.rows();
        if (program.shape().size() > 0) {
            Parallel.forRange(rows, Math.max(1, 16384 / program.length() / Math.max(1, program.stages().size())),
                    (from, to) -> new RowRunner(program, kernels, in, out).run(from, to));
        }
        return outputs;
    }
}
