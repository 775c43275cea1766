package dev.kiln.op.custom;

import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The computation of a custom operator, as MXNet's {@code mx.operator.CustomOp}: {@link #forward} fills the outputs
 * from the inputs, {@link #backward} fills the input gradients from the output gradients. Both write their results
 * with {@link #assign}, which honours the request for each result ({@code write}, {@code add} or {@code null}).
 * <p>
 * One instance is created per application by {@link CustomOpProp#createOperator}; under autograd the same instance
 * runs that application's backward, so {@code forward} may keep what {@code backward} needs in fields (the
 * {@code isTrain} flag, for example). Both run with autograd recording paused and may call any op.
 */
public abstract class CustomOp {

    /**
     * Computes the outputs.
     *
     * @param isTrain whether the call runs in training mode ({@code Autograd.record()} or {@code trainMode()})
     * @param req     per output, how to store it (write it with {@link #assign})
     * @param inData  the inputs, in {@link CustomOpProp#listArguments} order
     * @param outData the outputs to fill, allocated with the shapes and dtypes the prop inferred
     * @param aux     the auxiliary states, in {@link CustomOpProp#listAuxiliaryStates} order; may be updated in place
     */
    public abstract void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData, List<NDArray> outData,
                                 List<NDArray> aux);

    /**
     * Computes the input gradients.
     *
     * @param req     per input, how to store its gradient (write it with {@link #assign})
     * @param outGrad the gradients arriving at the outputs; empty when the prop does not need them
     *                ({@link CustomOpProp#needTopGrad} false, as for a loss layer)
     * @param inData  the inputs of the forward call
     * @param outData the outputs of the forward call
     * @param inGrad  the input gradients to fill, one per input, shaped like the inputs
     * @param aux     the auxiliary states
     */
    public abstract void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData,
                                  List<NDArray> outData, List<NDArray> inGrad, List<NDArray> aux);

    /**
     * Stores {@code src} into {@code dst} as {@code req} asks: {@code WRITE} overwrites, {@code ADD} accumulates,
     * {@code NULL} leaves {@code dst} alone. {@code src} must have {@code dst}'s shape; values take {@code dst}'s
     * dtype.
     */
    protected final void assign(NDArray dst, GradReq req, NDArray src) {
        switch (req) {
            case WRITE -> src.copyTo(dst);
            case ADD -> {
                if (!src.shape().equals(dst.shape())) {
                    throw new dev.kiln.KilnException("assign: cannot add a value of shape " + src.shape()
                            + " into a result of shape " + dst.shape());
                }
                dst.addInPlace(src);
            }
            case NULL -> {
            }
        }
    }
}
