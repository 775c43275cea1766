package dev.kiln.loss;

import dev.kiln.block.ParameterValues;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;

import java.util.List;
import java.util.Map;

/**
 * Gluon's {@code CTCLoss}, connectionist temporal classification: the negative log-probability of each label
 * sequence under every alignment of the unnormalised scores {@code pred} (softmaxed inside), through MXNet's
 * {@code CTCLoss} op with the blank as the last class. {@code layout} is {@code "NTC"} (the default) or
 * {@code "TNC"} for the prediction, {@code labelLayout} {@code "NT"} (the default) or {@code "TN"} for the label,
 * which is padded with -1 after each sequence unless {@code labelLengths} are given. Inputs:
 * {@code (pred, label[, predLengths[, labelLengths[, sampleWeight]]])}, any of the optional ones {@code null}; the
 * loss has shape (batch,).
 */
public class CTCLoss extends Loss {
    private final String layout;
    private final String labelLayout;

    /** Layouts NTC and NT, no weight. */
    public CTCLoss() {
        this(builder());
    }

    /** The given layouts: {@code "NTC"} or {@code "TNC"}, and {@code "NT"} or {@code "TN"}. */
    public CTCLoss(String layout, String labelLayout) {
        this(builder().layout(layout).labelLayout(labelLayout));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected CTCLoss(Builder b) {
        super(b.weight, checked(b.labelLayout, "labelLayout", "NT", "TN").indexOf('N'), b.prefix(), b.params(),
                "ctcloss");
        this.layout = checked(b.layout, "layout", "NTC", "TNC");
        this.labelLayout = b.labelLayout;
    }

    private static String checked(String value, String what, String a, String b) {
        if (!a.equals(value) && !b.equals(value)) {
            throw new IllegalArgumentException("CTCLoss: only '" + a + "' and '" + b + "' are supported for " + what
                    + ", got " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    public String layout() {
        return layout;
    }

    public String labelLayout() {
        return labelLayout;
    }

    /** The loss with each sequence's length given ({@code null} for the full length, or the padding's end). */
    public NDArray forward(NDArray pred, NDArray label, NDArray predLengths, NDArray labelLengths) {
        return call(pred, label, predLengths, labelLengths);
    }

    /** The loss with lengths (either may be {@code null}) and a per-sequence {@code sampleWeight}. */
    public NDArray forward(NDArray pred, NDArray label, NDArray predLengths, NDArray labelLengths,
                           NDArray sampleWeight) {
        return call(pred, label, predLengths, labelLengths, sampleWeight);
    }

    /** The loss weighted per sequence by {@code sampleWeight} (Gluon passes it by keyword, after the lengths). */
    @Override
    public NDArray forward(NDArray pred, NDArray label, NDArray sampleWeight) {
        return call(pred, label, null, null, sampleWeight);
    }

    @Override
    protected void checkInputs(List<NDArray> inputs) {
        if (inputs.size() < 2 || inputs.get(0) == null || inputs.get(1) == null) {
            throw error("needs a prediction and a label");
        }
        Shape pred = inputs.get(0).shape();
        Shape label = inputs.get(1).shape();
        if (pred.rank() != 3) {
            throw error("'pred' must be 3-D (" + layout + "), got shape " + pred);
        }
        if (label.rank() != 2) {
            throw error("'label' must be 2-D (" + labelLayout + "), got shape " + label);
        }
        int batch = pred.get(layout.indexOf('N'));
        int steps = pred.get(layout.indexOf('T'));
        int labelBatch = label.get(labelLayout.indexOf('N'));
        int labelSteps = label.get(labelLayout.indexOf('T'));
        if (labelBatch != batch || labelSteps > steps) {
            throw error("'label' of shape " + label + " (" + labelLayout + ") does not fit 'pred' of shape " + pred
                    + " (" + layout + "): it needs batch size " + batch + " and at most " + steps + " steps");
        }
        String[] names = {null, null, "pred_lengths", "label_lengths"};
        for (int i = 2; i < Math.min(4, inputs.size()); i++) {
            if (inputs.get(i) != null && !inputs.get(i).shape().equals(Shape.of(batch))) {
                throw error("'" + names[i] + "' of shape " + inputs.get(i).shape() + " must be (" + batch
                        + ",), one length per sequence of 'pred' " + pred);
            }
        }
        if (inputs.size() > 4) {
            requireBroadcastable(inputs.get(4), "sample_weight", Shape.of(batch), "the loss");
        }
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        requireInputs(inputs, 2, 5, "pred, label[, pred_lengths[, label_lengths[, sample_weight]]]");
        T pred = layout.equals("NTC") ? F.swapaxes(inputs.get(0), Map.of("dim1", 0, "dim2", 1)) : inputs.get(0);
        T label = batchAxis() == 1 ? F.swapaxes(inputs.get(1), Map.of("dim1", 0, "dim2", 1)) : inputs.get(1);
        T predLengths = optional(inputs, 2);
        T labelLengths = optional(inputs, 3);
        T loss = F.ctcLoss(pred, label, predLengths, labelLengths, Map.of("use_data_lengths", predLengths != null,
                "use_label_lengths", labelLengths != null, "blank_label", "last"));
        return List.of(applyWeighting(F, loss, optional(inputs, 4)));
    }

    /** Gluon's {@code CTCLoss} arguments: {@code layout} (NTC), {@code labelLayout} (NT), {@code weight} (none). */
    public static final class Builder extends dev.kiln.nn.LayerBuilder<Builder, CTCLoss> {
        private String layout = "NTC";
        private String labelLayout = "NT";
        private Double weight;

        private Builder() {
        }

        /** {@code "NTC"} (the default) or {@code "TNC"}. */
        public Builder layout(String l) {
            this.layout = l;
            return this;
        }

        /** {@code "NT"} (the default) or {@code "TN"}; its batch axis is the loss's batch axis. */
        public Builder labelLayout(String l) {
            this.labelLayout = l;
            return this;
        }

        /** The global scalar weight ({@code null}, the default, for none). */
        public Builder weight(Double w) {
            this.weight = w;
            return this;
        }

        @Override
        public CTCLoss build() {
            return new CTCLoss(this);
        }
    }
}
