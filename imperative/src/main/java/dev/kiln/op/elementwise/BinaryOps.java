package dev.kiln.op.elementwise;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The BinaryOps family of built-in ops. */
public final class BinaryOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
