package dev.kiln.compiler.jit;

import dev.kiln.KilnException;
import dev.kiln.compiler.Backend;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.GraphLowering;
import dev.kiln.compiler.InterpreterBackend;
import dev.kiln.compiler.exec.GeneratedGraph;
import dev.kiln.compiler.pass.PassScope;
import dev.kiln.compiler.stage.ParameterStage;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code jit} backend: merges ReLUs with the BatchNorm before them and their gradients with
 * max pooling's ({@link ReluFusion}), folds the head split and merge of attention into its {@code batch_dot}
 * ({@link HeadLayoutFusion}, static shapes), runs bias and activation chains on the GEMM or convolution that feeds
 * them ({@link EpilogueFusion}), fuses chains around row reductions ({@link RowFusionPass}, static shapes) and elementwise
 * and broadcast chains ({@link FusionPass}) of the forward graph and, for training, of its gradient graph (each part
 * separately), generates a JVM class per fused group ({@link JitKernels}), fuses each scaled dot-product attention
 * into one node whose scores never leave a thread's buffer ({@link AttentionFusion}, static shapes), and runs the
 * graph with a generated
 * executor ({@link GeneratedGraph}): per input signature, one class whose straight-line {@code forward} and
 * {@code backward} call each node's pre-resolved step, outputs written into planned buffers. Results equal the
 * interpreter's bit for bit, except that inference requests naming parameters fold BatchNorm and scale chains into
 * the layers before them and compute parameter-only values once ({@link ParameterStage}), which agrees within float
 * tolerance.
 */
public final class JitBackend implements Backend {
    @Override
    public String name() {
        return Backends.JIT;
    }

    @Override
    public CompiledGraph compile(CompileRequest request) {
        return ParameterStage.compile(request,
                r -> new GeneratedGraph(r, InterpreterBackend.interpret(r, PassScope.FULL, JitBackend::lower),
                        () -> InterpreterBackend.interpret(r, PassScope.FULL, null)));
    }

    /**
     * The graph fused, every fused node running its generated kernel. A graph whose shapes or dtypes do not infer
     * (an op that will fail on these inputs) is left unfused, so it fails when it runs with the interpreter's error,
     * which names the node and the line that created it. Public for accelerator backends in other modules (a
     * qualified export), which reuse the fusion and run the fused nodes they cannot lower with these kernels.
     */
    public static GraphLowering.Lowered lower(Graph graph, int numForwardNodes, Map<String, Shape> shapes,
                                       Map<String, DType> types, CompileRequest request) {
        FusionPass.Result fused;
        try {
            FusionPass.Result relus = ReluFusion.apply(graph, numForwardNodes, types);
            FusionPass.Result heads = request.staticShapes()
                    ? HeadLayoutFusion.apply(relus.graph(), relus.numForwardNodes(), shapes, types)
                    : relus;
            EpilogueFusion.Result epilogues =
                    EpilogueFusion.lower(heads.graph(), heads.numForwardNodes(), shapes, types, request);
            FusionPass.Result rows = request.staticShapes()
                    ? RowFusionPass.apply(epilogues.graph(), epilogues.numForwardNodes(), shapes, types)
                    : new FusionPass.Result(epilogues.graph(), epilogues.numForwardNodes(), 0);
            fused = FusionPass.apply(rows.graph(), rows.numForwardNodes(), shapes, types, request.staticShapes());
        } catch (KilnException inferenceFailed) {
            return new GraphLowering.Lowered(graph, numForwardNodes);
        }
        Graph lowered = withKernels(fused.graph());
        FusionPass.Result attention = request.staticShapes()
                ? AttentionFusion.apply(lowered, fused.numForwardNodes())
                : new FusionPass.Result(lowered, fused.numForwardNodes(), 0);
        return new GraphLowering.Lowered(attention.graph(), attention.numForwardNodes());
    }

    /**
     * {@code graph} with every {@link FusedElementwiseOp} and {@link FusedEpilogueOp} running its generated kernel.
     * Public for accelerator backends (a qualified export) whose host nodes run fused groups on the CPU.
     */
    public static Graph withKernels(Graph graph) {
        List<Node> nodes = new ArrayList<>(graph.size());
        for (Node n : graph.nodes()) {
            if (n instanceof OpNode op && op.op() instanceof FusedElementwiseOp f) {
                FusedElementwiseOp jit = f.withKernel(JitKernels.kernel(f.expression()));
                nodes.add(new OpNode(op.name(), jit, jit.defaultAttrs(), op.inputs(), op.attrs()));
            } else if (n instanceof OpNode op && op.op() instanceof FusedEpilogueOp f
                    && !f.expression().steps().isEmpty()) {
                FusedEpilogueOp jit = f.withKernel(JitKernels.kernel(f.expression()));
                nodes.add(new OpNode(op.name(), jit, jit.defaultAttrs(), op.inputs(), op.attrs()));
            } else if (n instanceof OpNode op && op.op() instanceof FusedRowOp f) {
                List<FusedKernel> kernels = new ArrayList<>();
                for (RowProgram.Stage s : f.program().stages()) {
                    if (s instanceof RowProgram.Pointwise p) {
                        kernels.add(JitKernels.kernel(p.expression()));
                    }
                }
                FusedRowOp jit = f.withKernels(kernels);
                nodes.add(new OpNode(op.name(), jit, jit.defaultAttrs(), op.inputs(), op.attrs()));
            } else {
                nodes.add(n);
            }
        }
        return new Graph(nodes, graph.outputs());
    }
}
