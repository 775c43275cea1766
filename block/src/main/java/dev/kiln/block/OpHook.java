package dev.kiln.block;

import dev.kiln.ndarray.NDArray;

/**
 * Receives values of a hybridized block's graph by node (Gluon's {@code register_op_hook} callback): each op's
 * outputs named {@code <node>_output} ({@code <node>_output<k>} for ops with several), and with {@code monitorAll}
 * its inputs, named {@code <node>_<input>} ({@code dense0_fwd_weight}).
 */
@FunctionalInterface
public interface OpHook {
    void onValue(String name, String opName, NDArray value);
}
