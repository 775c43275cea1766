package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * Gluon's {@code CosineEmbeddingLoss} (MXNet 1.9): with {@code cos} the cosine similarity of the rows of
 * {@code input1} and {@code input2} (along the last axis, norms floored at 1e-12), {@code 1 - cos} where the label
 * is 1 and {@code clip(cos - margin, 0, 1 - margin)} elsewhere (label -1); weighted and averaged per sample.
 * Inputs: {@code (input1, input2, label[, sampleWeight])}, the label one value per row; the loss has shape (batch,).
 */
public class CosineEmbeddingLoss extends Loss {
    private final double margin;

    /** Margin 0, no weight, batch axis 0. */
    public CosineEmbeddingLoss() {
        this(builder());
    }

    /** The given margin. */
    public CosineEmbeddingLoss(double margin) {
        this(builder().margin(margin));
    }

    /** Gluon's arguments: {@code margin} (default 0), {@code weight} (default none), {@code batchAxis}. */
    public static MarginBuilder<CosineEmbeddingLoss> builder() {
        return MarginBuilder.of(0, CosineEmbeddingLoss::new);
    }

    protected CosineEmbeddingLoss(MarginBuilder<CosineEmbeddingLoss> b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "cosineembeddingloss");
        this.margin = b.margin();
    }

    public double margin() {
        return margin;
    }

    /** The loss of the pairs of rows of {@code input1} and {@code input2} labelled 1 (similar) or -1. */
    @Override
    public NDArray forward(NDArray input1, NDArray input2, NDArray label) {
        return call(input1, input2, label);
    }

    /** The loss weighted per sample by {@code sampleWeight}. */
    public NDArray forward(NDArray input1, NDArray input2, NDArray label, NDArray sampleWeight) {
        return call(input1, input2, label, sampleWeight);
    }

    @Override
    protected void checkInputs(List<NDArray> inputs) {
        if (inputs.size() < 3 || inputs.get(0) == null || inputs.get(1) == null || inputs.get(2) == null) {
            throw error("takes (input1, input2, label[, sample_weight]), got " + inputs.size() + " inputs");
        }
        requireSameSize(inputs.get(1), "input2", inputs.get(0), "input1");
        var in2 = inputs.get(1).shape();
        int rows = in2.rank() == 0 ? 1 : in2.size() / in2.get(in2.rank() - 1);
        if (inputs.get(2).shape().size() != rows) {
            throw error("'label' of shape " + inputs.get(2).shape() + " must hold one value per row of 'input2' "
                    + in2 + " (" + rows + ")");
        }
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        requireInputs(inputs, 3, 4, "input1, input2, label[, sample_weight]");
        T input2 = inputs.get(1);
        T input1 = F.reshapeLike(inputs.get(0), input2);
        T cos = cosine(F, input1, input2);
        T label = F.reshapeLike(inputs.get(2), cos);
        T loss = F.where(F.equalScalar(label, 1.0), F.rminusScalar(cos, 1.0),
                F.clip(F.minusScalar(cos, margin), 0, 1 - margin));
        return List.of(batchMean(F, applyWeighting(F, loss, optional(inputs, 3))));
    }

    /** The cosine similarity of the rows, as a column: {@code x.y / max(|x| |y|, 1e-12)}. */
    private static <T> T cosine(F<T> F, T x, T y) {
        Map<String, Object> lastAxis = Map.of("axis", -1);
        Map<String, Object> column = Map.of("shape", "(-1, 1)");
        T xNorm = F.reshape(F.norm(x, lastAxis), column);
        T yNorm = F.reshape(F.norm(y, lastAxis), column);
        T dot = F.reshape(F.sum(F.elemwiseMul(x, y), lastAxis), column);
        return F.elemwiseDiv(dot, F.maximumScalar(F.elemwiseMul(xNorm, yNorm), 1e-12));
    }
}
