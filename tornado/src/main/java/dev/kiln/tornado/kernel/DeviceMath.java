package dev.kiln.tornado.kernel;

import dev.kiln.op.ScalarForm;
import dev.kiln.op.elementwise.FastErf;

import java.util.List;

import static dev.kiln.op.ScalarForm.Fn.ABS;
import static dev.kiln.op.ScalarForm.Fn.ADD;
import static dev.kiln.op.ScalarForm.Fn.CEIL;
import static dev.kiln.op.ScalarForm.Fn.DIV;
import static dev.kiln.op.ScalarForm.Fn.EQ;
import static dev.kiln.op.ScalarForm.Fn.EXP;
import static dev.kiln.op.ScalarForm.Fn.FLOOR;
import static dev.kiln.op.ScalarForm.Fn.GT;
import static dev.kiln.op.ScalarForm.Fn.LOG;
import static dev.kiln.op.ScalarForm.Fn.LT;
import static dev.kiln.op.ScalarForm.Fn.MAX;
import static dev.kiln.op.ScalarForm.Fn.MUL;
import static dev.kiln.op.ScalarForm.Fn.NE;
import static dev.kiln.op.ScalarForm.Fn.NEG;
import static dev.kiln.op.ScalarForm.Fn.POW;
import static dev.kiln.op.ScalarForm.Fn.SELECT;
import static dev.kiln.op.ScalarForm.Fn.SQRT;
import static dev.kiln.op.ScalarForm.Fn.SUB;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * Rewrites a {@link ScalarForm} into the {@link Math} functions TornadoVM 5.2's OpenCL backend compiles (checked on
 * PoCL): it has no {@code expm1}, {@code log1p}, {@code log10}, {@code cbrt} or {@code hypot} ("unimplemented"), and
 * cannot inline {@code sinh}/{@code cosh}; a double compared with an infinite constant becomes an ambiguous OpenCL
 * {@code isequal}. The replacements agree with the Java functions to well within float32 rounding on finite values
 * ({@code expm1} and {@code log1p} switch to their Taylor series near 0, {@code sinh} too); {@code hypot} may overflow
 * only beyond 1e154, far above float32's range. {@code erf} and {@code erfc} become the polynomial and
 * exponential approximation of {@link FastErf} (about 5e-10 relative, far below float32 rounding). {@code floor} and
 * {@code ceil} are emitted by {@link ScalarFormEmitter} itself; {@code %} goes through them.
 */
final class DeviceMath {
    private DeviceMath() {
    }

    static ScalarForm lower(ScalarForm form) {
        if (!(form instanceof ScalarForm.Call call)) {
            return form;
        }
        List<ScalarForm> args = call.args().stream().map(DeviceMath::lower).toList();
        ScalarForm x = args.get(0);
        return switch (call.fn()) {
            case EXPM1 -> call(SELECT, small(x, 1e-5), call(ADD, x, call(MUL, call(MUL, x, x),
                    call(ADD, c(0.5), call(DIV, x, c(6))))), call(SUB, call(EXP, x), c(1)));
            case LOG1P -> call(SELECT, small(x, 1e-4), call(MUL, x, call(ADD, c(1), call(MUL, x,
                    call(ADD, c(-0.5), call(DIV, x, c(3)))))), call(LOG, call(ADD, c(1), x)));
            case LOG10 -> call(MUL, call(LOG, x), c(1 / Math.log(10)));
            // zero keeps its sign, as Math.cbrt(-0.0) is -0.0 (pow would give +0.0, and rcbrt +inf for -inf)
            case CBRT -> call(SELECT, call(EQ, x, c(0)), x, call(SELECT, call(LT, x, c(0)),
                    call(NEG, call(POW, call(NEG, x), c(1.0 / 3))), call(POW, x, c(1.0 / 3))));
            case SINH -> call(SELECT, small(x, 1e-5), call(ADD, x, call(DIV, call(MUL, x, call(MUL, x, x)), c(6))),
                    call(MUL, c(0.5), call(SUB, call(EXP, x), call(EXP, call(NEG, x)))));
            case COSH -> call(MUL, c(0.5), call(ADD, call(EXP, x), call(EXP, call(NEG, x))));
            // an infinite side wins over NaN, as in Java
            case HYPOT -> call(SELECT, call(MAX, infinity(x), infinity(args.get(1))), c(Double.POSITIVE_INFINITY),
                    call(SQRT, call(ADD, call(MUL, x, x), call(MUL, args.get(1), args.get(1)))));
            case EQ, NE -> {
                ScalarForm eq = infinite(args) ? isInfinity(args) : call(EQ, args.get(0), args.get(1));
                yield call.fn() == EQ ? eq : call(SUB, c(1), eq);
            }
            case ERF -> call(SELECT, call(NE, x, x), x, call(SELECT, call(LT, call(ABS, x), c(1)),
                    FastErf.erfOfSmallForm(x), call(SELECT, call(LT, x, c(0)),
                            call(SUB, FastErf.erfcOfNonNegativeForm(call(NEG, x)), c(1)),
                            call(SUB, c(1), FastErf.erfcOfNonNegativeForm(x)))));
            case ERFC -> call(SELECT, call(NE, x, x), x, call(SELECT, call(LT, x, c(0)),
                    call(SUB, c(2), FastErf.erfcOfNonNegativeForm(call(NEG, x))), FastErf.erfcOfNonNegativeForm(x)));
            case REM -> rem(x, args.get(1));
            default -> new ScalarForm.Call(call.fn(), args);
        };
    }

    /**
     * {@code a % b} (C's fmod) without the remainder operator, which TornadoVM emits as an OpenCL {@code %} on
     * doubles (a build error): {@code a - b * trunc(a / b)}, moved by {@code |b|} toward {@code a}'s sign where the
     * rounded quotient overshot. Exact for float32 operands while {@code |a / b| < 2^29} (the product
     * {@code b * trunc(a / b)} fits a double); an infinite divisor leaves a finite {@code a} as it is.
     */
    private static ScalarForm rem(ScalarForm a, ScalarForm b) {
        ScalarForm t = call(DIV, a, b);
        ScalarForm q = call(SELECT, call(LT, t, c(0)), call(CEIL, t), call(FLOOR, t));
        ScalarForm r = call(SUB, a, call(MUL, b, q));
        ScalarForm sign = call(SUB, call(GT, a, c(0)), call(LT, a, c(0)));
        ScalarForm fixed = call(SELECT, call(LT, call(MUL, r, a), c(0)), call(ADD, r, call(MUL, call(ABS, b), sign)),
                r);
        return call(SELECT, call(MUL, infinity(b), call(EQ, call(SUB, a, a), c(0))), a, fixed);
    }

    /** 1 where {@code |x| < bound}. */
    private static ScalarForm small(ScalarForm x, double bound) {
        return call(LT, call(ABS, x), c(bound));
    }

    private static boolean infinite(List<ScalarForm> args) {
        return args.stream().anyMatch(a -> a instanceof ScalarForm.Constant k && Double.isInfinite(k.value()));
    }

    /** {@code x == inf} (or {@code -inf}) for the non-constant side {@code x}: x - x is NaN, x is no NaN, signed. */
    private static ScalarForm isInfinity(List<ScalarForm> args) {
        boolean first = args.get(0) instanceof ScalarForm.Constant k && Double.isInfinite(k.value());
        ScalarForm x = args.get(first ? 1 : 0);
        double inf = ((ScalarForm.Constant) args.get(first ? 0 : 1)).value();
        return call(MUL, infinity(x), inf > 0 ? call(GT, x, c(0)) : call(LT, x, c(0)));
    }

    /** 1 where {@code x} is infinite: {@code x - x} is NaN while {@code x} is not. */
    private static ScalarForm infinity(ScalarForm x) {
        return call(MUL, call(EQ, x, x), call(NE, call(SUB, x, x), c(0)));
    }
}
