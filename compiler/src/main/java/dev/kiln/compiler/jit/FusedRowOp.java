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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A group that {@link RowFusionPass} fused around row reductions (softmax, LayerNorm, sum/mean/max/min along one
 * axis): one node that, row by row, gathers the row of each input, runs the {@link RowProgram}'s stages on row-sized
 * buffers (so no intermediate array of the group's size exists) and writes the rows of its outputs. Rows are split
 * across Kiln's threads; each row's arithmetic is that of the unfused ops, so results do not depend on the split.
 * Pointwise stages run their generated kernels once the JIT attaches them ({@link #withKernels}); until then their
 * expressions' reference evaluation. Built for static shapes only; no gradient rule (fusion follows differentiation).
 */
public final class FusedRowOp extends FusedOp {
    /** The op name fused row nodes show in graph listings. */
    public static final String NAME = "_fused_rows";

    private final RowProgram program;
    private final List<FusedKernel> kernels;
    /** Runners (row buffers) not in use, kept across calls so a call allocates none. */
    private final Queue<RowRunner> idle = new ConcurrentLinkedQueue<>();

    /** A fused row op running {@code program} with its reference kernels. */
    public FusedRowOp(RowProgram program) {
        this(program, referenceKernels(program));
    }

    private FusedRowOp(RowProgram program, List<FusedKernel> kernels) {
        super(NAME, OpFamily.REDUCE, program.dtype(), program.numInputs(), outputNames(program));
        this.program = program;
        this.kernels = List.copyOf(kernels);
    }

    private static List<String> outputNames(RowProgram program) {
        List<String> out = new ArrayList<>();
        for (int v : program.outputs()) {
            out.add(program.names().get(v - program.numInputs()));
        }
        return out;
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

    /** The kernels of the pointwise stages, in order (generated once the JIT attached them). */
    List<FusedKernel> kernels() {
        return kernels;
    }

    @Override
    public String doc() {
        return "Fused row group: " + program;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        if (!inputShapes.equals(program.inputShapes())) {
            throw error("inputs have shapes " + inputShapes + " but the row group " + outputNames() + " was fused for "
                    + program.inputShapes() + " (fused row groups are built for static shapes)");
        }
        return program.outputShapes();
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.assignOutputs(program.outputShapes());
    }

    /** Every row of every output is assigned, whole (vector values) or as its one element. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        inferShapes(call.attrs(), call.inputs().stream().map(NDArray::shape).toList());
        Object[] in = new Object[program.numInputs()];
        for (int k = 0; k < in.length; k++) {
            in[k] = call.input(k).data();
        }
        List<NDArray> outputs = new ArrayList<>();
        Object[] out = new Object[outputNames().size()];
        for (int k = 0; k < out.length; k++) {
            NDArray o = call.newOutput(k);
            outputs.add(o);
            out[k] = o.data();
        }
        int rows = program.rows();
        if (program.shape().size() > 0) {
            Parallel.forRange(rows, grain(), (from, to) -> {
                RowRunner runner = idle.poll();
                if (runner == null) {
                    runner = new RowRunner(program, kernels);
                }
                runner.run(in, out, from, to);
                idle.offer(runner);
            });
        }
        return outputs;
    }

    /**
     * Rows per parallel chunk: about 2048 elements per stage. Row stages are compute-heavy (exponentials, GELU,
     * normalisation), so even a few rows outweigh handing them to another thread.
     */
    private int grain() {
        return Math.max(1, 2048 / program.length() / Math.max(1, program.stages().size()));
    }
}
