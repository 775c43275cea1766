package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.TypeReference;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LocalVariableAnnotationNode;
import org.objectweb.asm.tree.MethodNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.kiln.tornado.kernel.KernelHarness.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Generated kernel classes follow TornadoVM's model: a public class in the generated package with one public static
 * method, a local-variable table naming every parameter and local, @Parallel as a runtime-visible local-variable
 * type annotation on parallel loop indices; both flavours pass ASM's verifier; equal content gives one class.
 */
class KernelWriterTest {
    /** A table numbering inputs, outputs and scratch in order. */
    static BufferTable table(int inputs) {
        return new BufferTable() {
            private int next = 100;

            public int input(int i) {
                return i;
            }

            public int output(int i) {
                return inputs + i;
            }

            public int scratch(DType dtype, long elements) {
                return next++;
            }
        };
    }

    static List<KernelLaunch> lower(DeviceKernels k, OpNode node, Shape... in) {
        List<Shape> shapes = List.of(in);
        List<DType> types = Collections.nCopies(in.length, DType.FLOAT32);
        List<Shape> out = node.op().inferShapes(node.params(), shapes);
        return k.lower(node, shapes, types, out, Collections.nCopies(out.size(), DType.FLOAT32), table(in.length));
    }

    /** One node per family, for the structural checks. */
    static List<KernelLaunch> samples(DeviceKernels k) {
        List<KernelLaunch> all = new ArrayList<>();
        all.addAll(lower(k, node("relu", Map.of(), 1), Shape.of(4, 3)));
        all.addAll(lower(k, node("broadcast_mul", Map.of(), 2), Shape.of(4, 3), Shape.of(3)));
        all.addAll(lower(k, node("FullyConnected", Map.of("num_hidden", 2), 3), Shape.of(4, 3), Shape.of(2, 3),
                Shape.of(2)));
        all.addAll(lower(k, node("Convolution", Map.of("kernel", "(3, 3)", "num_filter", 2, "pad", "(1, 1)"), 3),
                Shape.of(1, 2, 4, 4), Shape.of(2, 2, 3, 3), Shape.of(2)));
        all.addAll(lower(k, node("_backward_Pooling", Map.of("kernel", "(2, 2)", "stride", "(2, 2)"), 3),
                Shape.of(1, 2, 2, 2), Shape.of(1, 2, 4, 4), Shape.of(1, 2, 2, 2)));
        all.addAll(lower(k, node("softmax", Map.of(), 1), Shape.of(3, 5)));
        all.addAll(lower(k, node("sum", Map.of("axis", "(0,)"), 1), Shape.of(3, 5)));
        all.addAll(lower(k, node("Concat", Map.of("dim", 0, "num_args", 2), 2), Shape.of(1, 5), Shape.of(2, 5)));
        return all;
    }

    @Test
    void everyFlavourPassesTheVerifierWithALocalVariableTable() {
        for (ArrayFlavor flavor : ArrayFlavor.values()) {
            for (KernelLaunch l : samples(new DeviceKernels(flavor))) {
                KernelChecks.verify(l.kernel(), flavor);
                assertThat(l.kernel().descriptor()).contains(flavor.floatArrayDescriptor());
            }
        }
    }

    @Test
    void kernelMethodsArePublicStaticInAPublicClassWithParallelLoopIndices() {
        for (KernelLaunch l : samples(new DeviceKernels(ArrayFlavor.TORNADO_NATIVE))) {
            ClassNode cn = new ClassNode();
            new ClassReader(l.kernel().bytes()).accept(cn, 0);
            assertThat(cn.access & org.objectweb.asm.Opcodes.ACC_PUBLIC).isNotZero();
            assertThat(cn.name.replace('/', '.')).isEqualTo(l.kernel().binaryName())
                    .startsWith(KernelCache.PACKAGE + ".K");
            MethodNode m = cn.methods.stream().filter(x -> x.name.equals(l.kernel().methodName())).findFirst()
                    .orElseThrow();
            assertThat(m.access & (org.objectweb.asm.Opcodes.ACC_PUBLIC | org.objectweb.asm.Opcodes.ACC_STATIC))
                    .isEqualTo(org.objectweb.asm.Opcodes.ACC_PUBLIC | org.objectweb.asm.Opcodes.ACC_STATIC);
            assertThat(m.visibleLocalVariableAnnotations).isNotEmpty();
            for (LocalVariableAnnotationNode a : m.visibleLocalVariableAnnotations) {
                assertThat(a.desc).isEqualTo(KernelWriter.PARALLEL);
                assertThat(new TypeReference(a.typeRef).getSort()).isEqualTo(TypeReference.LOCAL_VARIABLE);
                int slot = a.index.get(0);
                assertThat(m.localVariables).anyMatch(v -> v.index == slot && v.desc.equals("I"));
            }
            int params = org.objectweb.asm.Type.getArgumentTypes(m.desc).length;
            assertThat(params).isLessThanOrEqualTo(KernelWriter.MAX_PARAMS);
            for (int p = 0; p < params; p++) {
                int slot = p;
                assertThat(m.localVariables).as("parameter %d of %s", p, l.kernel()).anyMatch(v -> v.index == slot);
            }
            assertThat(l.kernel().listing()).contains("LOCALVARIABLE").contains("@" + KernelWriter.PARALLEL);
        }
    }

    @Test
    void equalContentGivesOneClassAndOtherShapesAnother() {
        DeviceKernels k = new DeviceKernels(ArrayFlavor.HEAP);
        KernelClass a = lower(k, node("relu", Map.of(), 1), Shape.of(4, 3)).get(0).kernel();
        KernelClass b = lower(new DeviceKernels(ArrayFlavor.HEAP), node("relu", Map.of(), 1), Shape.of(3, 4)).get(0)
                .kernel();
        KernelClass c = lower(k, node("relu", Map.of(), 1), Shape.of(5)).get(0).kernel();
        KernelClass nat = lower(new DeviceKernels(ArrayFlavor.TORNADO_NATIVE), node("relu", Map.of(), 1),
                Shape.of(12)).get(0).kernel();
        assertThat(b).isSameAs(a);
        assertThat(c.binaryName()).isNotEqualTo(a.binaryName()).endsWith("_relu");
        assertThat(nat.binaryName()).isNotEqualTo(a.binaryName());
    }

    @Test
    void launchesNameTheirBuffersFromTheTable() {
        List<KernelLaunch> l = lower(new DeviceKernels(ArrayFlavor.HEAP),
                node("FullyConnected", Map.of("num_hidden", 2), 3), Shape.of(4, 3), Shape.of(2, 3), Shape.of(2));
        assertThat(l).hasSize(1);
        assertThat(l.get(0).args()).containsExactly(new KernelArg.Buffer(0), new KernelArg.Buffer(1),
                new KernelArg.Buffer(2), new KernelArg.Buffer(3));
    }

    @Test
    void lowerRefusesWhatUnsupportedRejects() {
        DeviceKernels k = new DeviceKernels(ArrayFlavor.HEAP);
        OpNode n = node("relu", Map.of(), 1);
        assertThat(k.unsupported(n, List.of(Shape.of(3)), List.of(DType.FLOAT64))).get().asString()
                .contains("float64");
        assertThatThrownBy(() -> k.lower(n, List.of(Shape.of(3)), List.of(DType.INT32), List.of(Shape.of(3)),
                List.of(DType.INT32), table(1))).hasMessageContaining("relu0").hasMessageContaining("int32");
    }

    @Test
    void tooManyParametersAreRefused() {
        assertThatThrownBy(() -> KernelCache.kernel(ArrayFlavor.HEAP, "wide", w -> {
            for (int i = 0; i <= KernelWriter.MAX_PARAMS; i++) {
                w.floatArray("a" + i);
            }
        })).hasMessageContaining("more than 15");
    }
}
