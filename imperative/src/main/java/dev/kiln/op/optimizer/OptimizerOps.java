package dev.kiln.op.optimizer;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer family of built-in ops: MXNet's fused update ops, which write the new weight as their output and
 * update their state inputs (momentum, moments) in place. The optimizers in {@code dev.kiln.optimizer} drive them.
 */
public final class OptimizerOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        List<OpDef> ops = new ArrayList<>(SgdUpdates.ops());
        ops.addAll(AdamUpdates.ops());
        ops.addAll(RmsPropUpdates.ops());
        return ops;
    }
}
