package dev.kiln.tornado.kernel;

import java.util.List;
import java.util.function.Function;

/** The device lowering of a family of ops: which nodes it accepts and the launches computing them. */
interface Family {
    /** Null when the node lowers for its shapes and attributes, else the reason. */
    String check(NodeCall c);

    /** The launches computing every element of the node's outputs; called only after {@link #check} passed. */
    List<KernelLaunch> lower(NodeCall c);

    /** A family from its check and its lowering. */
    static Family of(Function<NodeCall, String> check, Function<NodeCall, List<KernelLaunch>> lower) {
        return new Family() {
            @Override
            public String check(NodeCall c) {
                return check.apply(c);
            }

            @Override
            public List<KernelLaunch> lower(NodeCall c) {
                return lower.apply(c);
            }
        };
    }
}
