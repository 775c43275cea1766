package dev.kiln.op.nn;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The NNOps family of built-in ops. */
public final class NNOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
