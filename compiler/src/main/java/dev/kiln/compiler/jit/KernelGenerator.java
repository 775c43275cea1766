package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.elementwise.Arithmetic;
import dev.kiln.op.elementwise.Logic;
import dev.kiln.op.elementwise.UnaryOps;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Writes the JVM class of one {@link FusedExpression}: a {@link FusedKernel} whose {@code run(Object[], Object[], int,
 * int)} casts the arrays and calls a static loop
 * {@code static void run(float[] in0, ..., float[] out0, ..., int from, int to)} ({@code double[]} for float64). Per
 * element the loop loads each input once, keeps every step's value in a local named after its node, and stores the
 * outputs. {@code + - * /} become bytecode, relu becomes {@code Math.max(x, 0)}, and every other step calls its op's
 * own math object, held in a {@code static final} field (filled from the hidden class's class data), so each call site
 * sees one constant receiver that HotSpot inlines.
 */
final class KernelGenerator implements Opcodes {
    private static final String KERNEL = Type.getInternalName(FusedKernel.class);
    private static final String FLOAT_UNARY = Type.getInternalName(ElementwiseFormula.FloatUnary.class);
    private static final String DOUBLE_UNARY = Type.getInternalName(DoubleUnaryOperator.class);
    private static final String DOUBLE_BINARY = Type.getInternalName(DoubleBinaryOperator.class);
    private static final String COMPARE = Type.getInternalName(BranchFreeCompare.class);
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, Type.getInternalName(MethodHandles.class),
            "classDataAt", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)"
            + "Ljava/lang/Object;", false);

    private final FusedExpression expr;
    private final String className;
    private final boolean f32;
    /** The math objects the class calls, in class-data order, and the static field holding each. */
    private final Map<Object, Integer> constantIndex = new IdentityHashMap<>();
    private final List<Object> constants = new ArrayList<>();
    private final List<String> constantTypes = new ArrayList<>();

    private KernelGenerator(FusedExpression expr, String className) {
        this.expr = expr;
        this.className = className;
        this.f32 = expr.dtype() == DType.FLOAT32;
    }

    /** The generated class: its bytes and the class data (the math objects, in field order) to define it with. */
    record Generated(String className, byte[] bytes, List<Object> classData) {
    }

    /** Generates the class {@code className} (internal form, in this package) for {@code expr}. */
    static Generated generate(FusedExpression expr, String className) {
        KernelGenerator g = new KernelGenerator(expr, className);
        byte[] bytes = g.write();
        return new Generated(className, bytes, List.copyOf(g.constants));
    }

    private byte[] write() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object", new String[] {KERNEL});
        cw.visitSource("FusedKernel(" + expr.steps().getLast().name() + ")", null);
        String loopDesc = loopDescriptor();
        writeLoop(cw, loopDesc); // registers the constants the fields and static initialiser then declare
        for (int k = 0; k < constants.size(); k++) {
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, field(k), "L" + constantTypes.get(k) + ";", null,
                    null).visitEnd();
        }
        writeStaticInit(cw);
        JitKernels.writeNoArgConstructor(cw);
        writeBridge(cw, loopDesc);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private String array() {
        return f32 ? "[F" : "[D";
    }

    private String loopDescriptor() {
        StringBuilder d = new StringBuilder("(");
        d.append(array().repeat(expr.numInputs() + expr.outputs().size()));
        if (expr.broadcasts()) {
            d.append("[I".repeat(rowInputs().size())).append('I');
        }
        return d.append("II)V").toString();
    }

    /** The inputs read per row (their offsets are parameters), in input order. */
    private List<Integer> rowInputs() {
        List<Integer> k = new ArrayList<>();
        for (int i = 0; i < expr.numInputs(); i++) {
            if (expr.accesses().get(i) != FusedExpression.Access.ELEMENT) {
                k.add(i);
            }
        }
        return k;
    }

    private static String field(int k) {
        return "MATH" + k;
    }

    /**
     * The static loop over {@code [from, to)}: one counted loop, or, for a group that broadcasts, rows of
     * {@code inner} elements, each row loading its per-row inputs once and its other inputs at the column.
     */
    private void writeLoop(ClassWriter cw, String desc) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "run", desc, null, null);
        mv.visitCode();
        boolean rows = expr.broadcasts();
        List<Integer> rowInputs = rowInputs();
        int arrays = expr.numInputs() + expr.outputs().size();
        int params = arrays + (rows ? rowInputs.size() + 1 : 0);
        int inner = params - 1;
        int from = params;
        int to = params + 1;
        int i = params + 2; // the element index (the column j in rows)
        int row = i + 1;
        int base = i + 2;
        int rowEnd = i + 3;
        int firstOffset = i + 4;
        int width = f32 ? 1 : 2;
        int[] slot = new int[expr.numValues()];
        int firstValue = rows ? firstOffset + rowInputs.size() : i + 1;
        for (int v = 0; v < slot.length; v++) {
            slot[v] = firstValue + v * width;
        }
        int[] offsetOf = new int[expr.numInputs()];
        for (int k = 0; k < rowInputs.size(); k++) {
            offsetOf[rowInputs.get(k)] = firstOffset + k;
        }
        Label start = new Label();
        Label test = new Label();
        Label end = new Label();
        Label rowTest = new Label();
        Label rowDone = new Label();
        mv.visitLabel(start);
        if (rows) {
            ints(mv, from, inner, IDIV);
            mv.visitVarInsn(ISTORE, row);
            ints(mv, row, inner, IMUL);
            mv.visitVarInsn(ISTORE, base);
            ints(mv, from, base, ISUB);
            mv.visitVarInsn(ISTORE, i);
            mv.visitLabel(rowTest);
            ints(mv, base, i, IADD);
            mv.visitVarInsn(ILOAD, to);
            mv.visitJumpInsn(IF_ICMPGE, end);
            mv.visitVarInsn(ILOAD, inner);
            ints(mv, to, base, ISUB);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
            mv.visitVarInsn(ISTORE, rowEnd);
            for (int k = 0; k < rowInputs.size(); k++) {
                mv.visitVarInsn(ALOAD, arrays + k);
                mv.visitVarInsn(ILOAD, row);
                mv.visitInsn(IALOAD);
                mv.visitVarInsn(ISTORE, firstOffset + k);
            }
            for (int k : rowInputs) {
                if (expr.accesses().get(k) == FusedExpression.Access.ROW_SCALAR) {
                    loadInput(mv, k, () -> mv.visitVarInsn(ILOAD, offsetOf[k]), slot[k]);
                }
            }
        } else {
            mv.visitVarInsn(ILOAD, from);
            mv.visitVarInsn(ISTORE, i);
        }
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, i);
        mv.visitVarInsn(ILOAD, rows ? rowEnd : to);
        mv.visitJumpInsn(IF_ICMPGE, rows ? rowDone : end);
        Runnable at = rows ? () -> ints(mv, base, i, IADD) : () -> mv.visitVarInsn(ILOAD, i);
        for (int k = 0; k < expr.numInputs(); k++) {
            int input = k;
            switch (expr.accesses().get(k)) {
                case ELEMENT -> loadInput(mv, k, at, slot[k]);
                case ROW -> loadInput(mv, k, () -> ints(mv, offsetOf[input], i, IADD), slot[k]);
                case ROW_SCALAR -> {
                }
            }
        }
        for (int k = 0; k < expr.steps().size(); k++) {
            step(mv, expr.steps().get(k), slot);
            mv.visitVarInsn(f32 ? FSTORE : DSTORE, slot[expr.numInputs() + k]);
        }
        for (int k = 0; k < expr.outputs().size(); k++) {
            mv.visitVarInsn(ALOAD, expr.numInputs() + k);
            at.run();
            mv.visitVarInsn(f32 ? FLOAD : DLOAD, slot[expr.outputs().get(k)]);
            mv.visitInsn(f32 ? FASTORE : DASTORE);
        }
        mv.visitIincInsn(i, 1);
        mv.visitJumpInsn(GOTO, test);
        if (rows) {
            mv.visitLabel(rowDone);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, i);
            mv.visitIincInsn(row, 1);
            ints(mv, base, inner, IADD);
            mv.visitVarInsn(ISTORE, base);
            mv.visitJumpInsn(GOTO, rowTest);
        }
        mv.visitLabel(end);
        mv.visitInsn(RETURN);
        Label done = new Label();
        mv.visitLabel(done);
        for (int k = 0; k < expr.numInputs(); k++) {
            mv.visitLocalVariable("in" + k, array(), null, start, done, k);
        }
        for (int k = 0; k < expr.outputs().size(); k++) {
            String node = expr.stepOf(expr.outputs().get(k)).name();
            mv.visitLocalVariable("out" + k + "_" + identifier(node), array(), null, start, done,
                    expr.numInputs() + k);
        }
        Label body = rows ? rowTest : test;
        Label bodyEnd = end;
        if (rows) {
            for (int k = 0; k < rowInputs.size(); k++) {
                mv.visitLocalVariable("rowOffsets" + rowInputs.get(k), "[I", null, start, done, arrays + k);
                mv.visitLocalVariable("offset" + rowInputs.get(k), "I", null, body, bodyEnd, firstOffset + k);
            }
            mv.visitLocalVariable("inner", "I", null, start, done, inner);
            mv.visitLocalVariable("row", "I", null, body, bodyEnd, row);
            mv.visitLocalVariable("base", "I", null, body, bodyEnd, base);
            mv.visitLocalVariable("rowEnd", "I", null, body, bodyEnd, rowEnd);
        }
        mv.visitLocalVariable("from", "I", null, start, done, from);
        mv.visitLocalVariable("to", "I", null, start, done, to);
        mv.visitLocalVariable(rows ? "j" : "i", "I", null, body, bodyEnd, i);
        String scalar = f32 ? "F" : "D";
        for (int v = 0; v < slot.length; v++) {
            String name = v < expr.numInputs() ? "x" + v : "v" + v + "_" + identifier(expr.stepOf(v).name());
            mv.visitLocalVariable(name, scalar, null, body, bodyEnd, slot[v]);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Pushes {@code a op b} of two int locals. */
    private static void ints(MethodVisitor mv, int a, int b, int op) {
        mv.visitVarInsn(ILOAD, a);
        mv.visitVarInsn(ILOAD, b);
        mv.visitInsn(op);
    }

    /** Stores input {@code k} at the index {@code index} pushes into its value's local. */
    private void loadInput(MethodVisitor mv, int k, Runnable index, int slot) {
        mv.visitVarInsn(ALOAD, k);
        index.run();
        mv.visitInsn(f32 ? FALOAD : DALOAD);
        mv.visitVarInsn(f32 ? FSTORE : DSTORE, slot);
    }

    /** Pushes the value of one step. */
    private void step(MethodVisitor mv, FusedExpression.Step s, int[] slot) {
        List<Integer> ops = s.operands();
        switch (s.formula()) {
            case ElementwiseFormula.Unary u -> {
                if (u.f64() == UnaryOps.RELU) {
                    load(mv, slot[ops.get(0)]);
                    mv.visitInsn(f32 ? FCONST_0 : DCONST_0);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", f32 ? "(FF)F" : "(DD)D", false);
                } else if (f32) {
                    mv.visitFieldInsn(GETSTATIC, className, field(constant(u.f32(), FLOAT_UNARY)),
                            "L" + FLOAT_UNARY + ";");
                    load(mv, slot[ops.get(0)]);
                    mv.visitMethodInsn(INVOKEINTERFACE, FLOAT_UNARY, "applyAsFloat", "(F)F", true);
                } else {
                    mv.visitFieldInsn(GETSTATIC, className, field(constant(u.f64(), DOUBLE_UNARY)),
                            "L" + DOUBLE_UNARY + ";");
                    load(mv, slot[ops.get(0)]);
                    mv.visitMethodInsn(INVOKEINTERFACE, DOUBLE_UNARY, "applyAsDouble", "(D)D", true);
                }
            }
            case ElementwiseFormula.Binary b -> binary(mv, b.f(), () -> load(mv, slot[ops.get(0)]),
                    () -> load(mv, slot[ops.get(1)]));
            case ElementwiseFormula.Scalar c -> {
                Runnable x = () -> load(mv, slot[ops.get(0)]);
                Runnable k = () -> mv.visitLdcInsn(f32 ? (Object) c.scalarFloat() : (Object) c.scalar());
                binary(mv, c.f(), c.reversed() ? k : x, c.reversed() ? x : k);
            }
        }
    }

    /**
     * Pushes {@code f(lhs, rhs)}: one instruction for arithmetic, a branch-free {@link BranchFreeCompare} call for
     * {@code >} and {@code <}, else a call rounded back for float32.
     */
    private void binary(MethodVisitor mv, DoubleBinaryOperator f, Runnable lhs, Runnable rhs) {
        int op = f == Arithmetic.ADD ? FADD : f == Arithmetic.SUBTRACT ? FSUB : f == Arithmetic.MULTIPLY ? FMUL
                : f == Arithmetic.DIVIDE ? FDIV : -1;
        if (op >= 0) {
            lhs.run();
            rhs.run();
            mv.visitInsn(f32 ? op : op + 1); // DADD = FADD + 1, and so on
            return;
        }
        String compare = f == Logic.GREATER ? "greater" : f == Logic.LESSER ? "lesser" : null;
        if (compare != null) {
            lhs.run();
            rhs.run();
            mv.visitMethodInsn(INVOKESTATIC, COMPARE, compare, f32 ? "(FF)F" : "(DD)D", false);
            return;
        }
        mv.visitFieldInsn(GETSTATIC, className, field(constant(f, DOUBLE_BINARY)), "L" + DOUBLE_BINARY + ";");
        lhs.run();
        widen(mv);
        rhs.run();
        widen(mv);
        mv.visitMethodInsn(INVOKEINTERFACE, DOUBLE_BINARY, "applyAsDouble", "(DD)D", true);
        if (f32) {
            mv.visitInsn(D2F);
        }
    }

    private void widen(MethodVisitor mv) {
        if (f32) {
            mv.visitInsn(F2D);
        }
    }

    private void load(MethodVisitor mv, int slot) {
        mv.visitVarInsn(f32 ? FLOAD : DLOAD, slot);
    }

    /** The field index of a math object, registered on first use. */
    private int constant(Object math, String type) {
        return constantIndex.computeIfAbsent(math, m -> {
            constants.add(m);
            constantTypes.add(type);
            return constants.size() - 1;
        });
    }

    /** {@code static {}}: each field from the class data ({@code MethodHandles.classDataAt}, a dynamic constant). */
    private void writeStaticInit(ClassWriter cw) {
        if (constants.isEmpty()) {
            return;
        }
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        for (int k = 0; k < constants.size(); k++) {
            String desc = "L" + constantTypes.get(k) + ";";
            mv.visitLdcInsn(new ConstantDynamic("_", desc, CLASS_DATA_AT, k));
            mv.visitFieldInsn(PUTSTATIC, className, field(k), desc);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@link FusedKernel#run}: casts each array and calls the static loop. */
    private void writeBridge(ClassWriter cw, String loopDesc) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "run", "([Ljava/lang/Object;[Ljava/lang/Object;[[IIII)V",
                null, null);
        mv.visitCode();
        Label start = new Label();
        mv.visitLabel(start);
        arrays(mv, 1, expr.numInputs());
        arrays(mv, 2, expr.outputs().size());
        if (expr.broadcasts()) {
            for (int k : rowInputs()) {
                mv.visitVarInsn(ALOAD, 3);
                mv.visitLdcInsn(k);
                mv.visitInsn(AALOAD);
            }
            mv.visitVarInsn(ILOAD, 4);
        }
        mv.visitVarInsn(ILOAD, 5);
        mv.visitVarInsn(ILOAD, 6);
        mv.visitMethodInsn(INVOKESTATIC, className, "run", loopDesc, false);
        mv.visitInsn(RETURN);
        Label end = new Label();
        mv.visitLabel(end);
        mv.visitLocalVariable("this", "L" + className + ";", null, start, end, 0);
        mv.visitLocalVariable("inputs", "[Ljava/lang/Object;", null, start, end, 1);
        mv.visitLocalVariable("outputs", "[Ljava/lang/Object;", null, start, end, 2);
        mv.visitLocalVariable("offsets", "[[I", null, start, end, 3);
        mv.visitLocalVariable("inner", "I", null, start, end, 4);
        mv.visitLocalVariable("from", "I", null, start, end, 5);
        mv.visitLocalVariable("to", "I", null, start, end, 6);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void arrays(MethodVisitor mv, int local, int count) {
        for (int k = 0; k < count; k++) {
            mv.visitVarInsn(ALOAD, local);
            mv.visitLdcInsn(k);
            mv.visitInsn(AALOAD);
            mv.visitTypeInsn(CHECKCAST, array());
        }
    }

    /** A node name as a Java identifier, for local variable names. */
    static String identifier(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            sb.append(Character.isJavaIdentifierPart(c) ? c : '_');
        }
        return sb.toString();
    }
}
