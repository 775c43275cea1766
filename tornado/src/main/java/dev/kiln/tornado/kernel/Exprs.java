package dev.kiln.tornado.kernel;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Expressions of a kernel body for {@link KernelWriter}: int index arithmetic, float32 arithmetic, {@link Math} calls
 * (float math goes through the double function with explicit casts, as {@code (float) Math.exp((double) x)}),
 * comparisons and selects. Each expression emits the code pushing its value where it is used.
 */
public final class Exprs {
    private Exprs() {
    }

    /** An expression: emits the code pushing its value. */
    public interface Expr {
        void push(KernelWriter w);
    }

    /** An int-valued expression. */
    @FunctionalInterface
    public interface Int extends Expr {
    }

    /** A float32-valued expression. */
    @FunctionalInterface
    public interface Flt extends Expr {
    }

    /** Pushes the operands, then emits {@code insn}. */
    private static void emit(KernelWriter w, int insn, Expr... operands) {
        for (Expr e : operands) {
            e.push(w);
        }
        w.mv().visitInsn(insn);
    }

    /** Pushes the operands, then calls {@code Math.name} of {@code descriptor}. */
    private static void callMath(KernelWriter w, String name, String descriptor, Expr... operands) {
        for (Expr e : operands) {
            e.push(w);
        }
        w.mv().visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", name, descriptor, false);
    }

    /** {@code cond ? a : b}. */
    private static void branch(KernelWriter w, Cond cond, Expr a, Expr b) {
        Label otherwise = new Label();
        Label done = new Label();
        cond.jumpIfFalse(w, otherwise);
        a.push(w);
        w.mv().visitJumpInsn(Opcodes.GOTO, done);
        w.mv().visitLabel(otherwise);
        b.push(w);
        w.mv().visitLabel(done);
    }

    /** A float comparison: {@code fcmpl}, then a jump to the target when {@code jumpIfFalse} holds. */
    private static Cond floatCompare(Flt a, Flt b, int jumpIfFalse) {
        return (w, target) -> {
            emit(w, Opcodes.FCMPL, a, b);
            w.mv().visitJumpInsn(jumpIfFalse, target);
        };
    }

    /** A condition: emits a jump to {@code target} when it is false. */
    @FunctionalInterface
    public interface Cond {
        void jumpIfFalse(KernelWriter w, Label target);
    }

    public static Int c(int value) {
        return w -> pushInt(w.mv(), value);
    }

    static void pushInt(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private static Int intOp(Int a, Int b, int opcode) {
        return w -> emit(w, opcode, a, b);
    }

    public static Int add(Int a, Int b) {
        return intOp(a, b, Opcodes.IADD);
    }

    public static Int sub(Int a, Int b) {
        return intOp(a, b, Opcodes.ISUB);
    }

    public static Int mul(Int a, Int b) {
        return intOp(a, b, Opcodes.IMUL);
    }

    public static Int div(Int a, Int b) {
        return intOp(a, b, Opcodes.IDIV);
    }

    public static Int rem(Int a, Int b) {
        return intOp(a, b, Opcodes.IREM);
    }

    /** {@code a * k + b}, the step of a row-major index. */
    public static Int madd(Int a, int k, Int b) {
        return add(mul(a, c(k)), b);
    }

    /** {@code min(a, b)} through {@link Math#min(int, int)}. */
    public static Int min(Int a, Int b) {
        return w -> callMath(w, "min", "(II)I", a, b);
    }

    /** {@code max(a, b)} through {@link Math#max(int, int)}. */
    public static Int max(Int a, Int b) {
        return w -> callMath(w, "max", "(II)I", a, b);
    }

    /** {@code cond ? a : b} for ints. */
    public static Int select(Cond cond, Int a, Int b) {
        return w -> branch(w, cond, a, b);
    }

    public static Flt f(float value) {
        return w -> {
            MethodVisitor mv = w.mv();
            if (Float.floatToRawIntBits(value) == 0) {
                mv.visitInsn(Opcodes.FCONST_0);
            } else if (value == 1f) {
                mv.visitInsn(Opcodes.FCONST_1);
            } else if (value == 2f) {
                mv.visitInsn(Opcodes.FCONST_2);
            } else {
                mv.visitLdcInsn(value);
            }
        };
    }

    /** {@code (int) x}: truncation toward zero, as Java's cast (a class index held in a float array). */
    public static Int toInt(Flt x) {
        return w -> emit(w, Opcodes.F2I, x);
    }

    /** {@code (float) i}. */
    public static Flt toFloat(Int i) {
        return w -> emit(w, Opcodes.I2F, i);
    }

    private static Flt floatOp(Flt a, Flt b, int opcode) {
        return w -> emit(w, opcode, a, b);
    }

    public static Flt add(Flt a, Flt b) {
        return floatOp(a, b, Opcodes.FADD);
    }

    public static Flt sub(Flt a, Flt b) {
        return floatOp(a, b, Opcodes.FSUB);
    }

    public static Flt mul(Flt a, Flt b) {
        return floatOp(a, b, Opcodes.FMUL);
    }

    public static Flt div(Flt a, Flt b) {
        return floatOp(a, b, Opcodes.FDIV);
    }

    public static Flt neg(Flt a) {
        return w -> emit(w, Opcodes.FNEG, a);
    }

    /** {@code Math.max(a, b)} on floats (NaN wins). */
    public static Flt max(Flt a, Flt b) {
        return w -> callMath(w, "max", "(FF)F", a, b);
    }

    /** {@code Math.min(a, b)} on floats (NaN wins). */
    public static Flt min(Flt a, Flt b) {
        return w -> callMath(w, "min", "(FF)F", a, b);
    }

    /** {@code Math.abs(a)} on a float. */
    public static Flt abs(Flt a) {
        return w -> callMath(w, "abs", "(F)F", a);
    }

    /** {@code (float) Math.name((double) a)}, e.g. {@code exp}, {@code log}, {@code sqrt}, {@code tanh}. */
    public static Flt math(String name, Flt a) {
        return w -> {
            emit(w, Opcodes.F2D, a);
            w.mv().visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", name, "(D)D", false);
            w.mv().visitInsn(Opcodes.D2F);
        };
    }

    /** {@code cond ? a : b} for floats. */
    public static Flt select(Cond cond, Flt a, Flt b) {
        return w -> branch(w, cond, a, b);
    }

    private static Cond intCompare(Int a, Int b, int jumpIfFalse) {
        return (w, target) -> {
            a.push(w);
            b.push(w);
            w.mv().visitJumpInsn(jumpIfFalse, target);
        };
    }

    public static Cond lt(Int a, Int b) {
        return intCompare(a, b, Opcodes.IF_ICMPGE);
    }

    public static Cond le(Int a, Int b) {
        return intCompare(a, b, Opcodes.IF_ICMPGT);
    }

    public static Cond ge(Int a, Int b) {
        return intCompare(a, b, Opcodes.IF_ICMPLT);
    }

    public static Cond gt(Int a, Int b) {
        return intCompare(a, b, Opcodes.IF_ICMPLE);
    }

    public static Cond eq(Int a, Int b) {
        return intCompare(a, b, Opcodes.IF_ICMPNE);
    }

    /** {@code lo <= v && v < hi}. */
    public static Cond within(Int v, Int lo, Int hi) {
        return and(ge(v, lo), lt(v, hi));
    }

    /** All of {@code conds} (short-circuit). */
    public static Cond and(Cond... conds) {
        return (w, target) -> {
            for (Cond c : conds) {
                c.jumpIfFalse(w, target);
            }
        };
    }

    /** {@code a > b} on floats (false when either is NaN). */
    public static Cond gt(Flt a, Flt b) {
        return floatCompare(a, b, Opcodes.IFLE);
    }

    /** {@code a == b} on floats (false when either is NaN). */
    public static Cond eq(Flt a, Flt b) {
        return floatCompare(a, b, Opcodes.IFNE);
    }

    /** {@code a != b} on floats (true when either is NaN). */
    public static Cond ne(Flt a, Flt b) {
        return floatCompare(a, b, Opcodes.IFEQ);
    }

    /** {@code a != a}: true for NaN. */
    public static Cond isNaN(Flt a) {
        return floatCompare(a, a, Opcodes.IFEQ);
    }

    /** {@code a >= b} on floats (false when either is NaN). */
    public static Cond ge(Flt a, Flt b) {
        return floatCompare(a, b, Opcodes.IFLT);
    }

    /** Row-major flat index of {@code idx} in an array of {@code dims}. */
    public static Int flat(int[] dims, Int... idx) {
        if (idx.length != dims.length) {
            throw new IllegalArgumentException(idx.length + " indices for " + dims.length + " dims");
        }
        if (idx.length == 0) {
            return c(0);
        }
        Int e = idx[0];
        for (int k = 1; k < idx.length; k++) {
            e = madd(e, dims[k], idx[k]);
        }
        return e;
    }
}
