package dev.kiln.compiler.jit;

import dev.kiln.KilnException;
import dev.kiln.compiler.Backend;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.GraphLowering;
import dev.kiln.compiler.InterpreterBackend;
import dev.kiln.compiler.pass.PassScope;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code jit} backend: fuses chains around row reductions ({@link RowFusionPass}, static shapes) and elementwise
 * chains ({@link FusionPass}) of the forward graph and, for training, of its gradient graph (each part separately), generates a JVM class per fused group ({@link JitKernels}) and runs the
 * graph node by node as the interpreter does, fused nodes calling their generated loops across Kiln's threads.
 * Results equal the interpreter's bit for bit.
 */
public final class JitBackend implements Backend {
    @Override
    public String name() {
        return Backends.JIT;
    }

    @Override
    public CompiledGraph compile(CompileRequest request) {
        return InterpreterBackend.interpret(request, PassScope.FULL, JitBackend::lower);
    }

    /**
     * The graph fused, every fused node running its generated kernel. A graph whose shapes or dtypes do not infer
     * (an op that will fail on these inputs) is left unfused, so it fails when it runs with the interpreter's error,
     * which names the node and the line that created it.
     */
    static GraphLowering.Lowered lower(Graph graph, int numForwardNodes, Map<String, Shape> shapes,
                                       Map<String, DType> types, CompileRequest request) {
        FusionPass.Result fused;
        try {
            FusionPass.Result rows = request.staticShapes()
                    ? RowFusionPass.apply(graph, numForwardNodes, shapes, types)
                    : new FusionPass.Result(graph, numForwardNodes, 0);
            fused = FusionPass.apply(rows.graph(), rows.numForwardNodes(), shapes, types, request.staticShapes());
        } catch (KilnException inferenceFailed) {
            return new GraphLowering.Lowered(graph, numForwardNodes);
        }
        return new GraphLowering.Lowered(withKernels(fused.graph()), fused.numForwardNodes());
    }

    /** {@code graph} with every {@link FusedElementwiseOp} computed by its generated kernel. */
    static Graph withKernels(Graph graph) {
        List<Node> nodes = new ArrayList<>(graph.size());
        for (Node n : graph.nodes()) {
            if (n instanceof OpNode op && op.op() instanceof FusedElementwiseOp f) {
                FusedElementwiseOp jit = f.withKernel(JitKernels.kernel(f.expression()));
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
