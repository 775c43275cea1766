package dev.kiln.op.linalg;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The LinalgOps family of built-in ops. */
public final class LinalgOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
