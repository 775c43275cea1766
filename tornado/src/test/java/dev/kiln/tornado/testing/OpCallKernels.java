package dev.kiln.tornado.testing;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.tornado.kernel.BufferTable;
import dev.kiln.tornado.kernel.KernelArg;
import dev.kiln.tornado.kernel.KernelClass;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.plan.NodeLowering;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A stand-in for the device kernels in tests of the plan, the transfers and the runtimes: every node it accepts is
 * lowered to one launch of {@link OpCallKernel}, which runs the node's CPU kernel on the device buffers. So a plan
 * runs with the values the CPU path computes, and anything that differs comes from partitioning, buffers, transfers
 * or write-backs. Nodes {@code refuse} matches are reported unsupported; so are nodes with more than 13 inputs and
 * outputs together.
 */
public final class OpCallKernels implements NodeLowering {
    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private static final KernelClass KERNEL = kernelClass();

    private final Predicate<OpNode> refuse;
    private int launches;

    /** Stand-in kernels for every node except those {@code refuse} matches. */
    public OpCallKernels(Predicate<OpNode> refuse) {
        this.refuse = refuse;
    }

    /** Stand-in kernels for every node. */
    public OpCallKernels() {
        this(n -> false);
    }

    /** How many launches this lowering has made. */
    public int launches() {
        return launches;
    }

    private record Call(OpNode node, List<Shape> inShapes, List<DType> inTypes, List<Shape> outShapes,
                        List<DType> outTypes) {
    }

    private static KernelClass kernelClass() {
        String name = OpCallKernel.class.getName();
        try (InputStream in = OpCallKernel.class.getResourceAsStream("OpCallKernel.class")) {
            return new KernelClass(name, in.readAllBytes(), "call",
                    "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
                            + "Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
                            + "Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
                            + "Ljava/lang/Object;)V");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> unsupported(OpNode node, List<Shape> inShapes, List<DType> inTypes) {
        if (refuse.test(node)) {
            return Optional.of("refused by the test's stand-in kernels");
        }
        if (node.inputs().size() + node.numOutputs() > 14) {
            return Optional.of("more than 14 buffers");
        }
        return Optional.empty();
    }

    @Override
    public List<KernelLaunch> lower(OpNode node, List<Shape> inShapes, List<DType> inTypes, List<Shape> outShapes,
                                    List<DType> outTypes, BufferTable buffers) {
        CALLS.add(new Call(node, List.copyOf(inShapes), List.copyOf(inTypes), List.copyOf(outShapes),
                List.copyOf(outTypes)));
        List<KernelArg> args = new ArrayList<>();
        args.add(new KernelArg.IntValue(CALLS.size() - 1));
        for (int i = 0; i < inShapes.size(); i++) {
            args.add(new KernelArg.Buffer(buffers.input(i)));
        }
        for (int k = 0; k < outShapes.size(); k++) {
            args.add(new KernelArg.Buffer(buffers.output(k)));
        }
        while (args.size() < 15) {
            args.add(new KernelArg.IntValue(0));
        }
        launches++;
        return List.of(new KernelLaunch(node.name(), KERNEL, args));
    }

    /** The kernel body: node {@code id}'s CPU kernel on the buffers, results copied into the output buffers. */
    public static void compute(int id, Object[] buffers) {
        Call c = CALLS.get(id);
        List<NDArray> in = new ArrayList<>();
        for (int i = 0; i < c.inShapes().size(); i++) {
            in.add(NDArray.wrap(c.inShapes().get(i), c.inTypes().get(i), Device.cpu(), buffers[i]));
        }
        List<NDArray> out = Ops.invokeAll(c.node().op(), c.node().params(), in);
        for (int k = 0; k < c.outShapes().size(); k++) {
            Object target = buffers[in.size() + k];
            System.arraycopy(out.get(k).data(), 0, target, 0, c.outShapes().get(k).size());
        }
    }
}
