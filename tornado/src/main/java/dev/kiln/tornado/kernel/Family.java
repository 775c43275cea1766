package dev.kiln.tornado.kernel;

import java.util.List;

/** The device lowering of a family of ops: which nodes it accepts and the launches computing them. */
interface Family {
    /** Null when the node lowers for its shapes and attributes, else the reason. */
    String check(NodeCall c);

    /** The launches computing every element of the node's outputs; called only after {@link #check} passed. */
    List<KernelLaunch> lower(NodeCall c);
}
