package dev.kiln.estimator;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;
import dev.kiln.trainer.Trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * Rescales the gradients of every trained parameter so that their global L2 norm is at most {@code maxNorm}
 * ({@link Trainer#clipGlobalNorm}), at each batch end before the trainer steps (priority -2500). The gradients are
 * those backward left, summed over the batch, before the trainer's {@code 1/batchSize} rescaling.
 */
public final class GradientClippingHandler implements BatchEnd {
    private final double maxNorm;
    private double lastNorm = Double.NaN;

    public GradientClippingHandler(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new KilnException("GradientClippingHandler: maxNorm must be positive, got " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    /** The global norm of the last batch's gradients before clipping. */
    public double lastNorm() {
        return lastNorm;
    }

    @Override
    public int priority() {
        return -2500;
    }

    @Override
    public boolean batchEnd(Estimator estimator, BatchResult result) {
        List<NDArray> grads = new ArrayList<>();
        for (Parameter p : estimator.net().collectParams().values()) {
            if (p.gradReq() != GradReq.NULL && p.isInitialized()) {
                grads.addAll(p.listGrad());
            }
        }
        lastNorm = Trainer.clipGlobalNorm(grads, maxNorm);
        return false;
    }
}
