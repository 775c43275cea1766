package dev.kiln.naming;

import dev.kiln.parameter.ParameterDict;

/** What a {@link BlockScope} reads from the block that owns it: the block's prefix and its own parameters. */
public interface ScopeOwner {
    /** The block's full prefix, e.g. {@code model0_dense0_}; empty for a block created with prefix {@code ""}. */
    String prefix();

    /** The block's own parameters, whose prefix children extend. */
    ParameterDict params();
}
