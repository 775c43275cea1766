package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpDef;

import java.util.List;

/**
 * Dtype handling shared by the spatial ops: like MXNet's real-type dispatch they accept floating dtypes only;
 * float32 and float64 run their own kernels, float16 and bfloat16 compute in float32 (MXNet's accumulation type for
 * half precision) and round the result back.
 */
final class FloatingKernels {
    private FloatingKernels() {
    }

    /** Checks that every input is floating, naming the first that is not. */
    static void requireFloating(OpDef op, List<String> names, List<DType> types) {
        for (int i = 0; i < types.size(); i++) {
            if (!types.get(i).isFloating()) {
                throw op.error("input '" + names.get(i) + "' has dtype " + types.get(i)
                        + "; this op supports floating dtypes only (float16, bfloat16, float32, float64)");
            }
        }
    }

    /** {@code a} in the dtype a kernel computes in: float64 stays, the rest become float32. */
    static NDArray widen(NDArray a) {
        if (a == null || a.dtype() == DType.FLOAT32 || a.dtype() == DType.FLOAT64) {
            return a;
        }
        return a.astype(DType.FLOAT32);
    }

    /** A kernel's result in the op's output dtype. */
    static NDArray narrow(NDArray result, DType target) {
        return result.dtype() == target ? result : result.astype(target);
    }
}
