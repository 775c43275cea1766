package dev.kiln.loss;

import dev.kiln.op.surface.F;

/**
 * Gluon's {@code LogisticLoss}: {@code log(1 + exp(-pred * label))} for labels -1 and 1 ({@code labelFormat}
 * {@code "signed"}, the default) or 0 and 1 ({@code "binary"}), computed in the stable form
 * {@code max(pred, 0) - pred * z + log(1 + exp(-|pred|))} with {@code z} the 0/1 label; weighted and averaged per
 * sample.
 */
public class LogisticLoss extends PointwiseLoss {
    private final String labelFormat;

    /** Signed labels, no weight, batch axis 0. */
    public LogisticLoss() {
        this(builder());
    }

    /** Labels in {@code labelFormat}: {@code "signed"} (-1/1) or {@code "binary"} (0/1). */
    public LogisticLoss(String labelFormat) {
        this(builder().labelFormat(labelFormat));
    }

    public static Builder builder() {
        return new Builder();
    }

    protected LogisticLoss(Builder b) {
        super(b.weight(), b.batchAxis(), b.prefix(), b.params(), "logisticloss");
        if (!"signed".equals(b.labelFormat) && !"binary".equals(b.labelFormat)) {
            throw new IllegalArgumentException("LogisticLoss: labelFormat can only be \"signed\" or \"binary\", got "
                    + (b.labelFormat == null ? "null" : "\"" + b.labelFormat + "\""));
        }
        this.labelFormat = b.labelFormat;
    }

    public String labelFormat() {
        return labelFormat;
    }

    @Override
    protected <T> T elementLoss(F<T> F, T pred, T label) {
        T z = labelFormat.equals("signed") ? F.divScalar(F.plusScalar(label, 1.0), 2.0) : label;
        return F.elemwiseAdd(F.elemwiseSub(F.relu(pred), F.elemwiseMul(pred, z)),
                F.activation(F.negative(F.abs(pred)), "softrelu"));
    }

    /** Gluon's {@code LogisticLoss} arguments: {@code labelFormat} (default signed), {@code weight}, {@code batchAxis}. */
    public static final class Builder extends Loss.Builder<Builder, LogisticLoss> {
        private String labelFormat = "signed";

        private Builder() {
            super(null);
        }

        /** {@code "signed"} (labels -1/1, the default) or {@code "binary"} (0/1). */
        public Builder labelFormat(String f) {
            this.labelFormat = f;
            return this;
        }

        @Override
        public LogisticLoss build() {
            return new LogisticLoss(this);
        }
    }
}
