package dev.kiln.op;

import java.util.List;

/**
 * A set of op definitions. Kiln's families are listed in {@link OpRegistry}; user libraries are found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.kiln.op.OpLibrary}) or registered by hand.
 */
public interface OpLibrary {
    List<OpDef> ops();
}
