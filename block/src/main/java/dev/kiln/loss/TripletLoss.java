package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;

import java.util.List;

/**
 * Gluon's {@code TripletLoss}: {@code max(sum((positive - pred)^2) - sum((negative - pred)^2) + margin, 0)} with
 * the sums over every axis but the batch axis, then weighted. Inputs: {@code (pred, positive, negative[,
 * sampleWeight])}, the examples with as many elements as the prediction; the loss has shape (batch,).
 */
public class TripletLoss extends Loss {
    private final double margin;

    /** Margin 1, no weight, batch axis 0. */
    public TripletLoss() {
        this(builder());
    }

    /** The given margin. */
    public TripletLoss(double margin) {
        this(builder().margin(margin));
    }

    /** Gluon's arguments: {@code margin} (default 1), {@code weight} (default none), {@code batchAxis}. */
    public static MarginBuilder<TripletLoss> builder() {
        return MarginBuilder.of(1, TripletLoss::new);
    }

    protected TripletLoss(MarginBuilder<TripletLoss> b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "tripletloss");
        this.margin = b.margin();
    }

    public double margin() {
        return margin;
    }

    /** The loss of {@code pred} against a {@code positive} and a {@code negative} example (not a sample weight). */
    @Override
    public NDArray forward(NDArray pred, NDArray positive, NDArray negative) {
        return call(pred, positive, negative);
    }

    /** The loss weighted per sample by {@code sampleWeight}. */
    public NDArray forward(NDArray pred, NDArray positive, NDArray negative, NDArray sampleWeight) {
        return call(pred, positive, negative, sampleWeight);
    }

    @Override
    protected void checkInputs(List<NDArray> inputs) {
        if (inputs.size() < 3 || inputs.get(0) == null || inputs.get(1) == null || inputs.get(2) == null) {
            throw error("takes (pred, positive, negative[, sample_weight]), got " + inputs.size() + " inputs");
        }
        requireSameSize(inputs.get(0), "pred", inputs.get(1), "positive");
        requireSameSize(inputs.get(0), "pred", inputs.get(2), "negative");
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        requireInputs(inputs, 3, 4, "pred, positive, negative[, sample_weight]");
        T pred = inputs.get(0);
        T positive = F.reshapeLike(inputs.get(1), pred);
        T negative = F.reshapeLike(inputs.get(2), pred);
        T gap = batchSum(F, F.elemwiseSub(F.square(F.elemwiseSub(positive, pred)),
                F.square(F.elemwiseSub(negative, pred))));
        return List.of(applyWeighting(F, F.relu(F.plusScalar(gap, margin)), optional(inputs, 3)));
    }
}
