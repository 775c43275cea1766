package dev.kiln.tornado.kernel;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.TypeReference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes one kernel class in TornadoVM's programming model with ASM: a public class holding one public static void
 * method whose parameters are arrays (through an {@link ArrayFlavor}) and int/float scalars, with parallel loops (the
 * index local annotated {@code @Parallel} as a runtime-visible type annotation), sequential loops, float and int
 * arithmetic, {@link Math} calls and selects: no allocation, no exceptions, no virtual calls beyond the flavour's
 * array accessors. Every parameter and local gets a local-variable-table entry with its scope, without which
 * TornadoVM quietly runs the method as sequential Java. Parameters are declared first, then the body is written;
 * {@link Exprs} builds the expressions.
 */
public final class KernelWriter {
    /** TornadoVM's parallel-loop annotation (TYPE_USE) as a descriptor. */
    public static final String PARALLEL = "Luk/ac/manchester/tornado/api/annotations/Parallel;";
    /** At most this many parameters (TornadoVM's task limit). */
    public static final int MAX_PARAMS = 15;

    /** An int32 array parameter or a float32 one. */
    public record Array(String name, int slot, boolean isFloat) {
    }

    /** An int local or parameter; as an expression, its value. */
    public record IntVar(String name, int slot) implements Exprs.Int {
        @Override
        public void push(KernelWriter w) {
            w.mv.visitVarInsn(Opcodes.ILOAD, slot);
        }
    }

    /** A float local or parameter; as an expression, its value. */
    public record FloatVar(String name, int slot) implements Exprs.Flt {
        @Override
        public void push(KernelWriter w) {
            w.mv.visitVarInsn(Opcodes.FLOAD, slot);
        }
    }

    private record Local(String name, String descriptor, int slot, Label start, Label end) {
    }

    private final ArrayFlavor flavor;
    private final String internalName;
    private final String methodName;
    private final ClassWriter cw;
    private final StringBuilder descriptor = new StringBuilder("(");
    private final List<Local> locals = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Deque<Label> scopeEnds = new ArrayDeque<>();
    private final Label methodStart = new Label();
    private final Label methodEnd = new Label();
    private MethodVisitor mv;
    private int nextSlot;
    private int params;

    /**
     * A writer of the class {@code binaryName} whose kernel method is {@code methodName}.
     */
    KernelWriter(ArrayFlavor flavor, String binaryName, String methodName) {
        this.flavor = flavor;
        this.internalName = binaryName.replace('.', '/');
        this.methodName = methodName;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                return "java/lang/Object"; // never load the flavour's array classes to merge frames
            }
        };
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internalName, null,
                "java/lang/Object", null);
        scopeEnds.push(methodEnd);
    }

    public ArrayFlavor flavor() {
        return flavor;
    }

    /** A float32 array parameter. */
    public Array floatArray(String name) {
        return new Array(name, param(name, flavor.floatArrayDescriptor()), true);
    }

    /** An int32 array parameter. */
    public Array intArray(String name) {
        return new Array(name, param(name, flavor.intArrayDescriptor()), false);
    }

    /** An int parameter. */
    public IntVar intParam(String name) {
        return new IntVar(name, param(name, "I"));
    }

    /** A float parameter. */
    public FloatVar floatParam(String name) {
        return new FloatVar(name, param(name, "F"));
    }

    private int param(String name, String desc) {
        if (mv != null) {
            throw new IllegalStateException("kernel " + methodName + ": parameter " + name + " after the body began");
        }
        if (++params > MAX_PARAMS) {
            throw new IllegalStateException("kernel " + methodName + " has more than " + MAX_PARAMS + " parameters");
        }
        descriptor.append(desc);
        int slot = nextSlot++;
        locals.add(new Local(unique(name), desc, slot, methodStart, methodEnd));
        return slot;
    }

    private String unique(String name) {
        String n = name;
        for (int k = 1; !names.add(n); k++) {
            n = name + "_" + k;
        }
        return n;
    }

    /** The method visitor of the body, started on first use. */
    MethodVisitor mv() {
        if (mv == null) {
            mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, methodName, descriptor(), null, null);
            mv.visitCode();
            mv.visitLabel(methodStart);
        }
        return mv;
    }

    private String descriptor() {
        return descriptor + ")V";
    }

    private Local local(String name, String desc) {
        mv();
        Label start = new Label();
        Local l = new Local(unique(name), desc, nextSlot++, start, scopeEnds.peek());
        locals.add(l);
        return l;
    }

    /** A new int local set to {@code init}, in scope to the end of the enclosing loop. */
    public IntVar intLocal(String name, Exprs.Int init) {
        Local l = local(name, "I");
        init.push(this);
        mv.visitVarInsn(Opcodes.ISTORE, l.slot());
        mv.visitLabel(l.start());
        return new IntVar(l.name(), l.slot());
    }

    /** A new float local set to {@code init}, in scope to the end of the enclosing loop. */
    public FloatVar floatLocal(String name, Exprs.Flt init) {
        Local l = local(name, "F");
        init.push(this);
        mv.visitVarInsn(Opcodes.FSTORE, l.slot());
        mv.visitLabel(l.start());
        return new FloatVar(l.name(), l.slot());
    }

    public void set(IntVar v, Exprs.Int value) {
        mv();
        value.push(this);
        mv.visitVarInsn(Opcodes.ISTORE, v.slot());
    }

    public void set(FloatVar v, Exprs.Flt value) {
        mv();
        value.push(this);
        mv.visitVarInsn(Opcodes.FSTORE, v.slot());
    }

    /** {@code array[index] = value}. */
    public void store(Array array, Exprs.Int index, Exprs.Flt value) {
        store(array, true, index, value);
    }

    /** {@code array[index] = value} for an int array. */
    public void storeInt(Array array, Exprs.Int index, Exprs.Int value) {
        store(array, false, index, value);
    }

    private void store(Array array, boolean isFloat, Exprs.Int index, Exprs.Expr value) {
        requireFloat(array, isFloat);
        mv().visitVarInsn(Opcodes.ALOAD, array.slot());
        index.push(this);
        value.push(this);
        flavor.store(mv, isFloat);
    }

    /** {@code array[index]} of a float array. */
    public Exprs.Flt load(Array array, Exprs.Int index) {
        requireFloat(array, true);
        return w -> w.pushElement(array, index, true);
    }

    /** {@code array[index]} of an int array. */
    public Exprs.Int loadInt(Array array, Exprs.Int index) {
        requireFloat(array, false);
        return w -> w.pushElement(array, index, false);
    }

    private void pushElement(Array array, Exprs.Int index, boolean isFloat) {
        mv.visitVarInsn(Opcodes.ALOAD, array.slot());
        index.push(this);
        flavor.load(mv, isFloat);
    }

    private void requireFloat(Array a, boolean isFloat) {
        if (a.isFloat() != isFloat) {
            throw new IllegalArgumentException("array " + a.name() + " is not " + (isFloat ? "float" : "int"));
        }
    }

    /** {@code for (@Parallel int name = 0; name < bound; name++) body}: one work item per index on a device. */
    public void parallelFor(String name, Exprs.Int bound, Consumer<IntVar> body) {
        loop(name, Exprs.c(0), bound, true, body);
    }

    /** A sequential loop {@code for (int name = from; name < to; name++) body}. */
    public void forRange(String name, Exprs.Int from, Exprs.Int to, Consumer<IntVar> body) {
        loop(name, from, to, false, body);
    }

    private void loop(String name, Exprs.Int from, Exprs.Int to, boolean parallel, Consumer<IntVar> body) {
        mv();
        Label end = new Label();
        Local l = local(name, "I");
        Local scoped = new Local(l.name(), "I", l.slot(), l.start(), end);
        locals.set(locals.size() - 1, scoped);
        from.push(this);
        mv.visitVarInsn(Opcodes.ISTORE, l.slot());
        mv.visitLabel(l.start());
        mv.visitVarInsn(Opcodes.ILOAD, l.slot());
        to.push(this);
        mv.visitJumpInsn(Opcodes.IF_ICMPGE, end);
        scopeEnds.push(end);
        body.accept(new IntVar(l.name(), l.slot()));
        scopeEnds.pop();
        mv.visitIincInsn(l.slot(), 1);
        mv.visitJumpInsn(Opcodes.GOTO, l.start());
        mv.visitLabel(end);
        if (parallel) {
            mv.visitLocalVariableAnnotation(TypeReference.newTypeReference(TypeReference.LOCAL_VARIABLE).getValue(),
                    null, new Label[] {l.start()}, new Label[] {end}, new int[] {l.slot()}, PARALLEL, true)
                    .visitEnd();
        }
    }

    /** {@code if (cond) body}. */
    public void when(Exprs.Cond cond, Runnable body) {
        mv();
        Label skip = new Label();
        cond.jumpIfFalse(this, skip);
        Label end = new Label();
        scopeEnds.push(end);
        body.run();
        scopeEnds.pop();
        mv.visitLabel(end);
        mv.visitLabel(skip);
    }

    /** Finishes the method and the class. */
    KernelClass finish(String binaryName) {
        mv();
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(methodEnd);
        for (Local l : locals) {
            mv.visitLocalVariable(l.name(), l.descriptor(), null, l.start(), l.end(), l.slot());
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return new KernelClass(binaryName, cw.toByteArray(), methodName, descriptor());
    }
}
