package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpFamily;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Scaled dot-product attention as one node ({@link AttentionFusion}): for each matrix (a head of a batch), the
 * scores {@code Q K^T}, the row group that {@link RowFusionPass} made of the scaling and softmax over them, and the
 * context {@code P V}. One thread computes a whole matrix, so its scores and probabilities live in a buffer of that
 * thread's (64 KB for 128 tokens) instead of two arrays of every head's; each product and each row is computed by
 * the same calls as the three unfused nodes, so results are bitwise theirs. Inputs are the query, key and value
 * operands as the two {@link HeadsBatchDotOp}s read them (heads read in place); the output is the context product's.
 */
final class AttentionOp extends FusedOp {
    /** The op name. */
    static final String NAME = "_kiln_attention";

    private static final List<String> ROLES = List.of("query", "key", "value");

    /** The input each of query, key and value is. */
    private final int[] roles;
    private final HeadsBatchDotOp scores;
    private final FusedRowOp rows;
    private final HeadsBatchDotOp context;
    /** The row group over one matrix's scores: the fused group's program with the shape (queries, keys). */
    private final RowProgram matrixRows;
    /** Score buffers and row runners not in use, kept across calls so a call allocates none. */
    private final Queue<Scratch> idle = new ConcurrentLinkedQueue<>();

    /** One thread's scores buffer and row runner. */
    private record Scratch(float[] scores, RowRunner runner) {
    }

    /**
     * The attention of {@code nodeName} whose query, key and value are inputs {@code roles[0]}, {@code roles[1]} and
     * {@code roles[2]} (one input serves two roles when the graph reads one value for both).
     */
    AttentionOp(String nodeName, HeadsBatchDotOp scores, FusedRowOp rows, HeadsBatchDotOp context, int[] roles) {
        super(NAME, OpFamily.LINALG, DType.FLOAT32, inputNames(roles), List.of(nodeName));
        this.roles = roles.clone();
        this.scores = scores;
        this.rows = rows;
        this.context = context;
        RowProgram p = rows.program();
        Shape matrix = Shape.of(p.shape().get(1), p.shape().get(2));
        this.matrixRows = new RowProgram(p.dtype(), matrix, 1, p.kinds(), p.names(), p.stages(), p.outputs(),
                List.of(matrix), List.of(matrix));
    }

    /** Each input named by the roles it serves: {@code query}, {@code key}, {@code value}, {@code query_key}... */
    private static List<String> inputNames(int[] roles) {
        int inputs = java.util.Arrays.stream(roles).max().orElse(-1) + 1;
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            StringBuilder name = new StringBuilder();
            for (int j = 0; j < roles.length; j++) {
                if (roles[j] == i) {
                    name.append(name.isEmpty() ? "" : "_").append(ROLES.get(j));
                }
            }
            names.add(name.toString());
        }
        return names;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputs) {
        List<Shape> in = List.of(inputs.get(roles[0]), inputs.get(roles[1]), inputs.get(roles[2]));
        Shape s = scores.inferShapes(scores.defaultAttrs(), List.of(in.get(0), in.get(1))).getFirst();
        if (!s.equals(rows.program().shape())) {
            throw error("query " + in.get(0) + " and key " + in.get(1) + " give scores of shape " + s + " but the "
                    + "attention " + outputNames() + " was fused for " + rows.program().shape()
                    + " (fused attention is built for static shapes)");
        }
        return context.inferShapes(context.defaultAttrs(), List.of(s, in.get(2)));
    }

    /** Every matrix's context is one GEMM with beta 0 over its own block of the output, and the blocks tile it. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Shape scoreShape = rows.program().shape();
        inferShapes(call.attrs(), call.inputs().stream().map(NDArray::shape).toList());
        NDArray out = call.newOutput(0);
        NDArray query = call.input(roles[0]);
        NDArray key = call.input(roles[1]);
        NDArray value = call.input(roles[2]);
        HeadsBatchDotOp.Products qk = scores.new Products(query.shape(), key.shape(), scoreShape);
        HeadsBatchDotOp.Products pv = context.new Products(scoreShape, value.shape(), out.shape());
        float[] q = scores.floats(query, "query");
        float[] k = scores.floats(key, "key");
        float[] v = context.floats(value, "value");
        float[] o = context.floats(out, "output");
        int queries = qk.m;
        int keys = qk.n;
        Parallel.forRange(qk.count(), 1, (from, to) -> {
            Scratch s = idle.poll();
            if (s == null) {
                s = new Scratch(new float[queries * keys], new RowRunner(matrixRows, rows.kernels()));
            }
            Object[] buffer = {s.scores()};
            for (int m = from; m < to; m++) {
                qk.runInto(m, q, k, s.scores(), 0, keys);
                s.runner().run(buffer, buffer, 0, queries);
                pv.run(m, s.scores(), 0, keys, v, o, pv.outputOffset(m), pv.outputStride());
            }
            idle.offer(s);
        });
        return List.of(out);
    }

    @Override
    public String doc() {
        return "Fused attention: " + scores + ", then the row group " + rows.program() + "then " + context;
    }

    @Override
    public String toString() {
        return NAME + "(" + scores + ", " + context + ")";
    }
}
