package dev.kiln.op.elementwise;

import dev.kiln.op.ScalarForm;

import static dev.kiln.op.ScalarForm.Fn.*;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.b;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * The {@link ScalarForm}s of the binary functions of {@link Arithmetic} and {@link Logic} (operand 0 the left, 1 the
 * right), for the broadcasting, same-shape and scalar ops that share each function.
 */
final class BinaryForms {
    private BinaryForms() {
    }

    /** The form of {@code math}, or null. */
    static ScalarForm of(BinaryMath math) {
        return switch (math.name()) {
            case "add" -> call(ADD, a(), b());
            case "subtract" -> call(SUB, a(), b());
            case "multiply" -> call(MUL, a(), b());
            case "divide" -> call(DIV, a(), b());
            // C's pow: 1 ** anything and (-1) ** +-inf are 1
            case "power" -> call(SELECT, call(MAX, call(EQ, a(), c(1)),
                            call(MUL, call(EQ, a(), c(-1)), call(EQ, call(ABS, b()), c(Double.POSITIVE_INFINITY)))),
                    c(1), call(POW, a(), b()));
            // NaN on the left wins; ties keep the right operand, as Arithmetic's
            case "maximum" -> call(SELECT, call(MAX, call(GT, a(), b()), call(NE, a(), a())), a(), b());
            case "minimum" -> call(SELECT, call(MAX, call(LT, a(), b()), call(NE, a(), a())), a(), b());
            case "hypot" -> call(HYPOT, a(), b());
            case "arctan2" -> call(ATAN2, a(), b());
            // NumPy's mod: fmod moved by the divisor where the signs differ; 0 for a zero divisor
            case "mod" -> call(SELECT, call(EQ, b(), c(0)), c(0), call(SELECT, call(MUL, call(NE, call(REM, a(), b()),
                    c(0)), call(NE, call(LT, call(REM, a(), b()), c(0)), call(LT, b(), c(0)))),
                    call(ADD, call(REM, a(), b()), b()), call(REM, a(), b())));
            case "equal" -> call(EQ, a(), b());
            case "not_equal" -> call(NE, a(), b());
            case "greater" -> call(GT, a(), b());
            case "greater_equal" -> call(GE, a(), b());
            case "lesser" -> call(LT, a(), b());
            case "lesser_equal" -> call(LE, a(), b());
            case "logical_and" -> call(MUL, truth(a()), truth(b()));
            case "logical_or" -> call(MAX, truth(a()), truth(b()));
            case "logical_xor" -> call(NE, truth(a()), truth(b()));
            default -> null;
        };
    }

    /** 1 where {@code x} is not zero (NaN included), as C's truth. */
    private static ScalarForm truth(ScalarForm x) {
        return call(NE, x, c(0));
    }
}
