package dev.kiln.op.conv;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The ConvOps family of built-in ops. */
public final class ConvOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
