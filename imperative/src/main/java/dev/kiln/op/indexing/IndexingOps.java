package dev.kiln.op.indexing;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The IndexingOps family of built-in ops. */
public final class IndexingOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of();
    }
}
