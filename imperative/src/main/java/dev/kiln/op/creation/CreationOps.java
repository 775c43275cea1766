package dev.kiln.op.creation;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The creation family of built-in ops: arrays made from attributes ({@code _zeros}, {@code _ones}, {@code _full},
 * {@code _arange}, {@code _linspace}, {@code _eye}).
 */
public final class CreationOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return NDArrays.ops();
    }
}
