package dev.kiln.op.creation;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The CreationOps family of built-in ops. */
public final class CreationOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
