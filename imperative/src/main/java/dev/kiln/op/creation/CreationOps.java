package dev.kiln.op.creation;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;
import dev.kiln.random.RandomOps;

import java.util.ArrayList;
import java.util.List;

/**
 * The CreationOps family of built-in ops: arrays made from attributes ({@code _zeros}, {@code _ones}, {@code _full},
 * {@code _arange}, {@code _linspace}, {@code _eye}) and the random samplers of {@link RandomOps}.
 */
public final class CreationOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        List<OpDef> all = new ArrayList<>(NDArrays.ops());
        all.addAll(RandomOps.ops());
        return all;
    }
}
