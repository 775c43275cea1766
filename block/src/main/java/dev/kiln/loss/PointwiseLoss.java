package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.List;

/**
 * A loss computed element by element from {@code pred} and {@code label} (the label reshaped to the prediction's
 * shape), then weighted and averaged per sample: Gluon's L1, L2, Huber, hinge, logistic, KL and Poisson losses.
 * Inputs: {@code (pred, label)} or {@code (pred, label, sampleWeight)}.
 */
public abstract class PointwiseLoss extends Loss {

    protected PointwiseLoss(Double weight, int batchAxis, String prefix, ParameterDict params, String hint) {
        super(weight, batchAxis, prefix, params, hint);
    }

    /** The loss of each element, {@code label} already shaped like {@code pred}. */
    protected abstract <T> T elementLoss(F<T> F, T pred, T label);

    /** The scalar weight applied after the sample weight (L2 halves it); by default {@link #weight()}. */
    protected Double scalarWeight() {
        return weight();
    }

    /** Whether the label is reshaped to the prediction (Gluon's {@code _reshape_like}); KL divergence does not. */
    protected boolean reshapesLabel() {
        return true;
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        requireInputs(inputs, 2, 3, "pred, label[, sample_weight]");
        T pred = inputs.get(0);
        T label = reshapesLabel() ? F.reshapeLike(inputs.get(1), pred) : inputs.get(1);
        T loss = applyWeighting(F, elementLoss(F, pred, label), scalarWeight(), optional(inputs, 2));
        return List.of(batchMean(F, loss));
    }
}
