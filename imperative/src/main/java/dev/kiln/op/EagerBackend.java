package dev.kiln.op;

import dev.kiln.ndarray.NDArray;

import java.util.List;
import java.util.Map;

/** The eager {@link OpBackend}: each application runs at once through {@link Ops} (and is recorded if autograd is). */
public final class EagerBackend implements OpBackend<NDArray> {
    /** The one instance. */
    public static final EagerBackend INSTANCE = new EagerBackend();

    private EagerBackend() {
    }

    @Override
    public List<NDArray> apply(String op, Map<String, ?> attrs, List<NDArray> inputs) {
        OpDef def = OpRegistry.global().get(op);
        return Ops.invoke(def, def.attrs(attrs), inputs);
    }
}
