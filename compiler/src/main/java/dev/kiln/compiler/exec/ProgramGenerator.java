package dev.kiln.compiler.exec;

import dev.kiln.KilnException;
import dev.kiln.compiler.jit.JitKernels;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes the class of one graph specialisation: a {@link GraphProgram} whose {@code forward} and {@code backward} are
 * straight-line calls, one per op node in graph order, to that node's {@link NodeStep}, each held in its own
 * {@code static final} field (named after the node, filled from the hidden class's class data), so every call site has
 * one constant receiver. Long runs are split into methods of {@value #CALLS_PER_METHOD} calls, which stay under
 * HotSpot's huge-method limit; the line number of each call is the node's index, so stack traces name the node.
 */
final class ProgramGenerator implements Opcodes {
    /** Calls per generated method: 7 bytes each, well under HotSpot's 8000-byte limit for compiling a method. */
    static final int CALLS_PER_METHOD = 256;

    private static final String PROGRAM = Type.getInternalName(GraphProgram.class);
    private static final String STEP = Type.getInternalName(NodeStep.class);
    private static final String FRAME = Type.getInternalName(Frame.class);
    private static final String RUN_DESC = "(L" + FRAME + ";)V";
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, Type.getInternalName(MethodHandles.class),
            "classDataAt", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)"
            + "Ljava/lang/Object;", false);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String className;
    private final List<NodeStep> steps;
    private final int numForwardSteps;

    /** The generated class: its internal name, bytes, and the steps (class data, in field order). */
    record Generated(String className, byte[] bytes, List<NodeStep> steps) {
    }

    private ProgramGenerator(String className, List<NodeStep> steps, int numForwardSteps) {
        this.className = className;
        this.steps = steps;
        this.numForwardSteps = numForwardSteps;
    }

    /**
     * Generates the program running {@code steps}, the first {@code numForwardSteps} of them in {@code forward}, the
     * rest in {@code backward}, named after {@code graphName}; dumped when {@code kiln.compiler.dump} is set.
     */
    static Generated generate(String graphName, List<NodeStep> steps, int numForwardSteps) {
        String name = ProgramGenerator.class.getPackageName().replace('.', '/') + "/Graph_"
                + JitKernels.javaIdentifier(graphName) + "_" + COUNTER.incrementAndGet();
        ProgramGenerator g = new ProgramGenerator(name, List.copyOf(steps), numForwardSteps);
        Generated generated = new Generated(name, g.write(), g.steps);
        JitKernels.dumpIfAsked(name, generated.bytes());
        return generated;
    }

    /** Defines the class as a hidden class of this package and instantiates it. */
    static GraphProgram define(Generated g) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(g.bytes(), g.steps(),
                    true);
            return (GraphProgram) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            throw new KilnException("the graph executor could not define its generated class " + g.className() + ": "
                    + e, e);
        }
    }

    private byte[] write() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object", new String[] {PROGRAM});
        cw.visitSource("GraphProgram(" + steps.size() + " nodes)", null);
        for (int k = 0; k < steps.size(); k++) {
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, field(k), "L" + STEP + ";", null, null).visitEnd();
        }
        writeStaticInit(cw);
        JitKernels.writeNoArgConstructor(cw);
        writeEntry(cw, "forward", 0, numForwardSteps);
        writeEntry(cw, "backward", numForwardSteps, steps.size());
        cw.visitEnd();
        return cw.toByteArray();
    }

    private String field(int k) {
        return "s" + k + "_" + JitKernels.javaIdentifier(steps.get(k).name());
    }

    private void writeStaticInit(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        for (int k = 0; k < steps.size(); k++) {
            mv.visitLdcInsn(new ConstantDynamic("_", "L" + STEP + ";", CLASS_DATA_AT, k));
            mv.visitFieldInsn(PUTSTATIC, className, field(k), "L" + STEP + ";");
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code name(Frame)}: the calls of steps {@code [from, to)}, directly or through part methods. */
    private void writeEntry(ClassWriter cw, String name, int from, int to) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, name, RUN_DESC, null, null);
        mv.visitCode();
        Label start = new Label();
        mv.visitLabel(start);
        if (to - from <= CALLS_PER_METHOD) {
            calls(mv, from, to);
        } else {
            int part = 0;
            for (int k = from; k < to; k += CALLS_PER_METHOD, part++) {
                String partName = name + part;
                writePart(cw, partName, k, Math.min(to, k + CALLS_PER_METHOD));
                mv.visitVarInsn(ALOAD, 1);
                mv.visitMethodInsn(INVOKESTATIC, className, partName, RUN_DESC, false);
            }
        }
        mv.visitInsn(RETURN);
        Label end = new Label();
        mv.visitLabel(end);
        mv.visitLocalVariable("this", "L" + className + ";", null, start, end, 0);
        mv.visitLocalVariable("frame", "L" + FRAME + ";", null, start, end, 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void writePart(ClassWriter cw, String name, int from, int to) {
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, RUN_DESC, null, null);
        mv.visitCode();
        Label start = new Label();
        mv.visitLabel(start);
        for (int k = from; k < to; k++) {
            call(mv, k, 0);
        }
        mv.visitInsn(RETURN);
        Label end = new Label();
        mv.visitLabel(end);
        mv.visitLocalVariable("frame", "L" + FRAME + ";", null, start, end, 0);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void calls(MethodVisitor mv, int from, int to) {
        for (int k = from; k < to; k++) {
            call(mv, k, 1);
        }
    }

    /** {@code s<k>.run(frame)}, at the line of the node's index. */
    private void call(MethodVisitor mv, int k, int frameLocal) {
        Label line = new Label();
        mv.visitLabel(line);
        mv.visitLineNumber(steps.get(k).node(), line);
        mv.visitFieldInsn(GETSTATIC, className, field(k), "L" + STEP + ";");
        mv.visitVarInsn(ALOAD, frameLocal);
        mv.visitMethodInsn(INVOKEVIRTUAL, STEP, "run", RUN_DESC, false);
    }
}
