package dev.kiln.op.reduce;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrType;

import java.util.List;

/**
 * A dtype attribute restricted to the choices MXNet's enum declares for it (argsort's and topk's {@code dtype},
 * cumsum's {@code dtype}, norm's {@code out_dtype}), so a bad choice fails when the attribute is parsed.
 */
public final class DTypeChoice extends AttrType.Simple<DType> {
    private final List<DType> allowed;

    private DTypeChoice(List<DType> allowed) {
        super("dtype", DType.class);
        this.allowed = allowed;
    }

    /** A dtype attribute accepting only {@code allowed}. */
    public static DTypeChoice of(DType... allowed) {
        return new DTypeChoice(List.of(allowed));
    }

    @Override
    public DType parse(String text) {
        return check(DType.fromName(text));
    }

    @Override
    public DType coerce(Object value) {
        return check(super.coerce(value));
    }

    @Override
    public String format(DType value) {
        return value.mxnetName();
    }

    private DType check(DType t) {
        if (!allowed.contains(t)) {
            throw new KilnException("dtype " + t + " is not one of " + allowed);
        }
        return t;
    }
}
