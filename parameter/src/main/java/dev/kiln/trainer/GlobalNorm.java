package dev.kiln.trainer;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Ops;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

/**
 * Gluon's {@code clip_global_norm}: the 2-norm of several arrays taken together, and their joint rescaling so it
 * does not exceed a bound. The norm is computed with ops in the arrays' dtype (the sum of each flattened array's
 * dot product with itself, on the first array's device), as Gluon does.
 */
final class GlobalNorm {
    private static final System.Logger LOG = System.getLogger(GlobalNorm.class.getName());

    private GlobalNorm() {
    }

    static double clip(List<NDArray> arrays, double maxNorm, boolean checkIsFinite) {
        if (arrays == null || arrays.isEmpty()) {
            throw new KilnException("clipGlobalNorm: no arrays given");
        }
        if (!(maxNorm >= 0)) {
            throw new KilnException("clipGlobalNorm: maxNorm must be 0 or more, got " + maxNorm);
        }
        NDArray first = arrays.get(0);
        NDArray total = null;
        for (NDArray a : arrays) {
            NDArray flat = a.detach().reshape(-1);
            NDArray squares = Ops.call("dot", flat, flat).asInDevice(first.device());
            total = total == null ? squares : Ops.call("elemwise_add", total, squares);
        }
        NDArray norm = Ops.call("sqrt", total);
        double value = norm.asScalar();
        if (checkIsFinite && !Double.isFinite(value)) {
            LOG.log(Level.WARNING, "clipGlobalNorm: the norm is " + value + " (nan or inf detected); clipping "
                    + "results are undefined");
        }
        NDArray ratio = Ops.call("_rdiv_scalar", Map.of("scalar", maxNorm),
                Ops.call("_plus_scalar", Map.of("scalar", 1e-8), norm));
        double scale = ratio.asScalar();
        scale = scale < 1 || Double.isNaN(scale) ? scale : 1;
        for (NDArray a : arrays) {
            a.mulInPlace(scale);
        }
        return value;
    }
}
