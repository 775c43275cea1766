package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.parameter.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Before a block tree runs: every parameter must be initialised or deferred (then the forward completes it), else
 * one error lists each such parameter by structural path and full name.
 */
final class InitializationCheck {
    private InitializationCheck() {
    }

    static void requireReady(Block root) {
        if (root.ready()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : root.collectParamsByPath().entrySet()) {
            Parameter p = e.getValue();
            if (!p.isInitialized() && !p.isDeferred()) {
                missing.add(root.name() + "." + e.getKey() + " (" + p.name() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new KilnException("block '" + root.name() + "' (" + root.getClass().getSimpleName() + ") cannot "
                    + "run: these parameters are neither initialized nor deferred: " + missing + ". Call "
                    + "initialize() on the block (it covers all children) before the first forward");
        }
        root.markReady();
    }
}
