package dev.kiln.op.nn;

/**
 * {@code _kiln_batch_norm_relu}: BatchNorm whose output 0 is passed through relu, with BatchNorm's inputs,
 * attributes, hidden outputs and in-place updates of the moving statistics, equal bit for bit to BatchNorm followed
 * by relu while the data array is written once. The compiler emits it where nothing but the relu reads BatchNorm's
 * output; it is not registered and has no gradient, so it exists only in compiled graphs whose gradient graph is
 * already built.
 */
public final class BatchNormReluOp extends BatchNormOp {
    /** The one instance; compare {@code node.op() == INSTANCE}. */
    public static final BatchNormReluOp INSTANCE = new BatchNormReluOp();

    private BatchNormReluOp() {
        super("_kiln_batch_norm_relu");
    }

    @Override
    public String doc() {
        return "BatchNorm followed by relu, in one pass over the data.";
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }
}
