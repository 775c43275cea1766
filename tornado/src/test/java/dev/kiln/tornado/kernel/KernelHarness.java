package dev.kiln.tornado.kernel;

import dev.kiln.graph.Entry;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs lowered nodes as plain Java, as the suite's emulation does: the HEAP-flavour kernel classes are defined by a
 * class loader from their bytes and their static methods called over float arrays (the @Parallel loops run
 * sequentially), then compared with the op's CPU result.
 */
final class KernelHarness {
    static final DeviceKernels HEAP = new DeviceKernels(ArrayFlavor.HEAP);

    private static final class Loader extends ClassLoader {
        private final Map<String, Class<?>> defined = new HashMap<>();

        Loader() {
            super(KernelHarness.class.getClassLoader());
        }

        synchronized Method method(KernelClass k) throws ReflectiveOperationException {
            Class<?> c = defined.get(k.binaryName());
            if (c == null) {
                c = defineClass(k.binaryName(), k.bytes(), 0, k.bytes().length);
                defined.put(k.binaryName(), c);
            }
            for (Method m : c.getMethods()) {
                if (m.getName().equals(k.methodName())) {
                    return m;
                }
            }
            throw new IllegalStateException("no method " + k.methodName() + " in " + k.binaryName());
        }
    }

    private static final Loader LOADER = new Loader();

    private KernelHarness() {
    }

    /** An op node over variable inputs {@code 0 .. numInputs-1}. */
    static OpNode node(String op, Map<String, ?> attrs, int numInputs) {
        OpDef def = OpRegistry.global().get(op);
        List<Entry> inputs = new ArrayList<>();
        for (int i = 0; i < numInputs; i++) {
            inputs.add(new Entry(i, 0));
        }
        return new OpNode(op + "0", def, def.attrs(attrs), inputs);
    }

    /** Lowers the node for the inputs' shapes and runs its launches; returns every output. */
    static List<NDArray> run(OpNode node, List<NDArray> inputs) {
        return run(HEAP, node, inputs);
    }

    /** {@link #run(OpNode, List)} through {@code kernels}. */
    static List<NDArray> run(DeviceKernels kernels, OpNode node, List<NDArray> inputs) {
        List<float[]> buffers = runBuffers(kernels, node, inputs);
        List<Shape> outShapes = node.op().inferShapes(node.params(), inputs.stream().map(NDArray::shape).toList());
        List<NDArray> outs = new ArrayList<>();
        for (int k = 0; k < outShapes.size(); k++) {
            outs.add(NDArray.wrap(outShapes.get(k), buffers.get(inputs.size() + k)));
        }
        return outs;
    }

    /** Runs the node's launches over copies of the inputs; returns every buffer: inputs, outputs, scratch. */
    static List<float[]> runBuffers(DeviceKernels kernels, OpNode node, List<NDArray> inputs) {
        List<Shape> inShapes = inputs.stream().map(NDArray::shape).toList();
        List<DType> inTypes = inputs.stream().map(NDArray::dtype).toList();
        assertThat(kernels.unsupported(node, inShapes, inTypes)).as("unsupported").isEmpty();
        List<Shape> outShapes = node.op().inferShapes(node.params(), inShapes);
        List<DType> outTypes = node.op().inferTypes(node.params(), inTypes);
        List<float[]> buffers = new ArrayList<>();
        for (NDArray x : inputs) {
            buffers.add(x.toFloatArray().clone());
        }
        for (Shape s : outShapes) {
            float[] data = new float[s.size()];
            Arrays.fill(data, Float.NaN); // a kernel that leaves an element unwritten shows up
            buffers.add(data);
        }
        int n = inputs.size();
        BufferTable table = new BufferTable() {
            @Override
            public int input(int i) {
                return i;
            }

            @Override
            public int output(int i) {
                return n + i;
            }

            @Override
            public int scratch(DType dtype, long elements) {
                assertThat(dtype).isEqualTo(DType.FLOAT32);
                buffers.add(new float[Math.toIntExact(elements)]);
                return buffers.size() - 1;
            }
        };
        List<KernelLaunch> launches = kernels.lower(node, inShapes, inTypes, outShapes, outTypes, table);
        // the same node in TornadoVM's native arrays: structurally valid too (its array classes are absent here)
        for (KernelLaunch l : kernels.withFlavor(ArrayFlavor.TORNADO_NATIVE).lower(node, inShapes, inTypes, outShapes,
                outTypes, KernelWriterTest.table(inputs.size()))) {
            KernelChecks.verify(l.kernel(), ArrayFlavor.TORNADO_NATIVE);
        }
        for (KernelLaunch l : launches) {
            KernelChecks.verify(l.kernel(), ArrayFlavor.HEAP);
            Object[] args = l.args().stream().map(a -> switch (a) {
                case KernelArg.Buffer b -> (Object) buffers.get(b.buffer());
                case KernelArg.IntValue v -> (Object) v.value();
                case KernelArg.FloatValue v -> (Object) v.value();
                case KernelArg.FloatValues v -> (Object) v.values();
            }).toArray();
            try {
                LOADER.method(l.kernel()).invoke(null, args);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("launch " + l.label() + " failed", e);
            }
        }
        return buffers;
    }

    /** The op's CPU outputs (hidden ones included). */
    static List<NDArray> cpu(OpNode node, List<NDArray> inputs) {
        return Ops.invokeAll(node.op(), node.params(), inputs);
    }

    /** Runs the node on the device emulation and on the CPU and requires equal outputs within {@code tol}. */
    static void assertMatchesCpu(OpNode node, double tol, NDArray... inputs) {
        assertMatchesCpu(HEAP, node, tol, inputs);
    }

    /** {@link #assertMatchesCpu(OpNode, double, NDArray...)} through {@code kernels}. */
    static void assertMatchesCpu(DeviceKernels kernels, OpNode node, double tol, NDArray... inputs) {
        List<NDArray> device = run(kernels, node, List.of(inputs));
        List<NDArray> cpu = cpu(node, List.of(inputs));
        for (int k = 0; k < device.size(); k++) {
            assertClose(node.op().name() + " output " + k, device.get(k), cpu.get(k), tol);
        }
    }

    static void assertClose(String what, NDArray actual, NDArray expected, double tol) {
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(e[i]) || Float.isNaN(a[i])) {
                assertThat(Float.isNaN(a[i])).as("%s at %d: %s vs %s", what, i, a[i], e[i])
                        .isEqualTo(Float.isNaN(e[i]));
                continue;
            }
            double scale = Math.max(1, Math.abs(e[i]));
            assertThat(Math.abs(a[i] - e[i]) <= tol * scale || a[i] == e[i])
                    .as("%s at %d: device %s, cpu %s", what, i, a[i], e[i]).isTrue();
        }
    }

    /** Random float32 values in [-2, 2). */
    static NDArray random(Random r, int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 4 - 2;
        }
        return NDArray.wrap(Shape.of(dims), v);
    }

    /** Random float32 values in [lo, hi). */
    static NDArray random(Random r, float lo, float hi, int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + r.nextFloat() * (hi - lo);
        }
        return NDArray.wrap(Shape.of(dims), v);
    }

    /** The reason the HEAP lowering gives for the node, if any. */
    static Optional<String> unsupported(OpNode node, Shape... shapes) {
        return HEAP.unsupported(node, List.of(shapes), java.util.Collections.nCopies(shapes.length, DType.FLOAT32));
    }

    static Attrs attrs(String op, Map<String, ?> values) {
        return OpRegistry.global().get(op).attrs(values);
    }
}
