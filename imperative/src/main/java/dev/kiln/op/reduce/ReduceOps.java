package dev.kiln.op.reduce;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The ReduceOps family of built-in ops. */
public final class ReduceOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
