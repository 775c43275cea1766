package dev.kiln.op.custom;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The registry ops behind custom operators: {@code Custom} and its gradient {@code _backward_Custom}. */
public final class CustomOpLibrary implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(new CustomOpDef(), new CustomBackwardOpDef());
    }
}
