package dev.kiln.tornado.kernel;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks of a generated kernel class: ASM's verifier (with data-flow analysis for the HEAP flavour, structure only for
 * TORNADO_NATIVE, whose array classes are absent here), a local-variable-table entry for every slot the method uses,
 * and a runtime-visible {@code @Parallel} type annotation on every parallel loop index.
 */
final class KernelChecks {
    private KernelChecks() {
    }

    static void verify(KernelClass k, ArrayFlavor flavor) {
        StringWriter problems = new StringWriter();
        ClassReader reader = new ClassReader(k.bytes());
        if (flavor == ArrayFlavor.HEAP) {
            // structure, then data flow through ASM's SimpleVerifier (types of every frame)
            CheckClassAdapter.verify(reader, KernelChecks.class.getClassLoader(), false, new PrintWriter(problems));
            assertThat(problems.toString()).as("verifier on " + k + "\n" + k.listing()).isEmpty();
        } else {
            reader.accept(new CheckClassAdapter(new ClassWriter(0), false), 0);
        }
        ClassNode cn = new ClassNode();
        reader.accept(cn, 0);
        assertThat(cn.name).startsWith("dev/kiln/tornado/generated/K");
        MethodNode m = cn.methods.stream().filter(x -> x.name.equals(k.methodName())).findFirst().orElseThrow();
        assertThat(m.desc).isEqualTo(k.descriptor());
        Set<Integer> described = new HashSet<>();
        for (LocalVariableNode l : m.localVariables) {
            described.add(l.index);
        }
        for (var insn : m.instructions) {
            if (insn instanceof org.objectweb.asm.tree.VarInsnNode v) {
                assertThat(described).as("LVT entry for slot " + v.var + " of " + k).contains(v.var);
            }
        }
    }

    /** How many loop locals carry the @Parallel annotation. */
    static int parallelLoops(KernelClass k) {
        ClassNode cn = new ClassNode();
        new ClassReader(k.bytes()).accept(cn, 0);
        MethodNode m = cn.methods.stream().filter(x -> x.name.equals(k.methodName())).findFirst().orElseThrow();
        if (m.visibleLocalVariableAnnotations == null) {
            return 0;
        }
        return (int) m.visibleLocalVariableAnnotations.stream()
                .filter(a -> a.desc.equals(KernelWriter.PARALLEL)).count();
    }
}
