package dev.kiln.tornado.kernel;

import dev.kiln.op.ScalarForm;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.List;

/**
 * Emits an op's {@link ScalarForm} as double arithmetic and {@link Math} calls on float operands, rounded to float32
 * at the end: the float32 result the op's formula defines.
 */
final class ScalarFormEmitter {
    private ScalarFormEmitter() {
    }

    /** The form's float32 value for the given operands (operand {@code i} is {@code operands.get(i)}). */
    static Exprs.Flt of(ScalarForm form, List<? extends Exprs.Flt> operands) {
        ScalarForm device = DeviceMath.lower(form);
        return w -> {
            emit(w, device, operands);
            w.mv().visitInsn(Opcodes.D2F);
        };
    }

    private static void emit(KernelWriter w, ScalarForm form, List<? extends Exprs.Flt> operands) {
        MethodVisitor mv = w.mv();
        switch (form) {
            case ScalarForm.Operand o -> {
                operands.get(o.index()).push(w);
                mv.visitInsn(Opcodes.F2D);
            }
            case ScalarForm.Constant k -> pushDouble(mv, k.value());
            case ScalarForm.Call call -> {
                if (call.fn() == ScalarForm.Fn.FLOOR || call.fn() == ScalarForm.Fn.CEIL) {
                    rounding(w, call.args().get(0), operands, call.fn() == ScalarForm.Fn.FLOOR);
                    return;
                }
                if (call.fn() == ScalarForm.Fn.SELECT) {
                    Label otherwise = new Label();
                    Label done = new Label();
                    emit(w, call.args().get(0), operands);
                    mv.visitInsn(Opcodes.DCONST_0);
                    mv.visitInsn(Opcodes.DCMPL); // NaN gives -1: true, as c != 0
                    mv.visitJumpInsn(Opcodes.IFEQ, otherwise);
                    emit(w, call.args().get(1), operands);
                    mv.visitJumpInsn(Opcodes.GOTO, done);
                    mv.visitLabel(otherwise);
                    emit(w, call.args().get(2), operands);
                    mv.visitLabel(done);
                    return;
                }
                for (ScalarForm a : call.args()) {
                    emit(w, a, operands);
                }
                apply(mv, call.fn());
            }
        }
    }

    /**
     * {@code floor(x)} or {@code ceil(x)} without the Math calls TornadoVM lacks: truncation through {@code long},
     * moved by one where it went the wrong way, a zero result signed as {@code x}; values of magnitude 2^52 and more (already integers), infinities and
     * NaN pass through unchanged.
     */
    private static void rounding(KernelWriter w, ScalarForm x, List<? extends Exprs.Flt> operands, boolean floor) {
        MethodVisitor mv = w.mv();
        Label big = new Label();
        Label keep = new Label();
        Label done = new Label();
        emit(w, x, operands);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "abs", "(D)D", false);
        mv.visitLdcInsn(0x1p52);
        mv.visitInsn(Opcodes.DCMPG); // NaN gives 1: the pass-through branch
        mv.visitJumpInsn(Opcodes.IFGE, big);
        truncate(w, x, operands);
        truncate(w, x, operands);
        emit(w, x, operands);
        mv.visitInsn(floor ? Opcodes.DCMPL : Opcodes.DCMPG);
        mv.visitJumpInsn(floor ? Opcodes.IFLE : Opcodes.IFGE, keep);
        mv.visitInsn(Opcodes.DCONST_1);
        mv.visitInsn(floor ? Opcodes.DSUB : Opcodes.DADD);
        mv.visitLabel(keep);
        // a zero result takes x's sign (ceil(-0.5) and floor(-0.0) are -0.0): x * 0 then, as truncation gave +0.0
        mv.visitInsn(Opcodes.DUP2);
        mv.visitInsn(Opcodes.DCONST_0);
        mv.visitInsn(Opcodes.DCMPL);
        mv.visitJumpInsn(Opcodes.IFNE, done);
        mv.visitInsn(Opcodes.POP2);
        emit(w, x, operands);
        mv.visitInsn(Opcodes.DCONST_0);
        mv.visitInsn(Opcodes.DMUL);
        mv.visitJumpInsn(Opcodes.GOTO, done);
        mv.visitLabel(big);
        emit(w, x, operands);
        mv.visitLabel(done);
    }

    /** Pushes {@code (double) (long) x}. */
    private static void truncate(KernelWriter w, ScalarForm x, List<? extends Exprs.Flt> operands) {
        emit(w, x, operands);
        w.mv().visitInsn(Opcodes.D2L);
        w.mv().visitInsn(Opcodes.L2D);
    }

    private static void pushDouble(MethodVisitor mv, double v) {
        if (Double.doubleToRawLongBits(v) == 0L) {
            mv.visitInsn(Opcodes.DCONST_0);
        } else if (v == 1.0) {
            mv.visitInsn(Opcodes.DCONST_1);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private static void apply(MethodVisitor mv, ScalarForm.Fn fn) {
        switch (fn) {
            case NEG -> mv.visitInsn(Opcodes.DNEG);
            case ADD -> mv.visitInsn(Opcodes.DADD);
            case SUB -> mv.visitInsn(Opcodes.DSUB);
            case MUL -> mv.visitInsn(Opcodes.DMUL);
            case DIV -> mv.visitInsn(Opcodes.DDIV);
            case TO_FLOAT -> {
                mv.visitInsn(Opcodes.D2F);
                mv.visitInsn(Opcodes.F2D);
            }
            // NaN must make GT/GE false (DCMPL gives -1) and LT/LE false (DCMPG gives 1); EQ false, NE true
            case GT -> compare(mv, Opcodes.DCMPL, Opcodes.IFGT);
            case GE -> compare(mv, Opcodes.DCMPL, Opcodes.IFGE);
            case LT -> compare(mv, Opcodes.DCMPG, Opcodes.IFLT);
            case LE -> compare(mv, Opcodes.DCMPG, Opcodes.IFLE);
            case EQ -> compare(mv, Opcodes.DCMPL, Opcodes.IFEQ);
            case NE -> compare(mv, Opcodes.DCMPL, Opcodes.IFNE);
            case POW, MAX, MIN, HYPOT, ATAN2 -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math",
                    mathName(fn), "(DD)D", false);
            case SELECT -> throw new IllegalStateException("SELECT is emitted with branches");
            default -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", mathName(fn), "(D)D", false);
        }
    }

    /** The {@link Math} method of a function: its name in lower case. */
    private static String mathName(ScalarForm.Fn fn) {
        return fn.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Pushes 1.0 when the comparison {@code cmp} then {@code jumpIfTrue} holds, else 0.0. */
    private static void compare(MethodVisitor mv, int cmp, int jumpIfTrue) {
        Label yes = new Label();
        Label done = new Label();
        mv.visitInsn(cmp);
        mv.visitJumpInsn(jumpIfTrue, yes);
        mv.visitInsn(Opcodes.DCONST_0);
        mv.visitJumpInsn(Opcodes.GOTO, done);
        mv.visitLabel(yes);
        mv.visitInsn(Opcodes.DCONST_1);
        mv.visitLabel(done);
    }
}
