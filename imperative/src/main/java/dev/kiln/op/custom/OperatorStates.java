package dev.kiln.op.custom;

import dev.kiln.ndarray.NDArray;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@link CustomOp} instance of each eager {@code Custom} call, found again by backward through the call's hidden
 * state output (an empty array only the tape holds), so backward runs on the instance that ran forward, as in
 * MXNet. An entry lives as long as its state array: until the recorded graph is freed.
 */
final class OperatorStates {
    private static final Map<NDArray, CustomOp> BY_STATE = Collections.synchronizedMap(new WeakHashMap<>());

    private OperatorStates() {
    }

    /** Remembers the operator that produced {@code state} (NDArray has identity equality). */
    static void put(NDArray state, CustomOp op) {
        BY_STATE.put(state, op);
    }

    /** The operator that produced {@code state}, or {@code null} if it is unknown (a state built elsewhere). */
    static CustomOp get(NDArray state) {
        return BY_STATE.get(state);
    }
}
