package dev.kiln.op.shape;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The ShapeOps family of built-in ops. */
public final class ShapeOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
