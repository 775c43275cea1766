package dev.kiln.op.custom;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.Shape;

import java.util.Collections;
import java.util.List;

/**
 * The description of a custom operator, as MXNet's {@code mx.operator.CustomOpProp}: the names of its inputs,
 * outputs and auxiliary states, how output shapes and dtypes follow from the inputs, whether backward needs the
 * output gradients, and a factory for the {@link CustomOp} that computes it. A prop is built from the string keyword
 * arguments of the call by the factory given to {@link CustomOps#register}; the defaults describe one input
 * {@code data} and one output {@code output} of the same shape and dtype.
 */
public abstract class CustomOpProp {
    private final boolean needTopGrad;

    /** A prop whose backward needs the output gradients. */
    protected CustomOpProp() {
        this(true);
    }

    /**
     * @param needTopGrad false for ops whose backward ignores the output gradients (loss layers, which start
     *                    backward themselves, as MXNet's {@code need_top_grad=False})
     */
    protected CustomOpProp(boolean needTopGrad) {
        this.needTopGrad = needTopGrad;
    }

    /** The shapes or dtypes of a call: of the inputs (as given), the outputs and the auxiliary states. */
    public record Inferred<V>(List<V> inputs, List<V> outputs, List<V> aux) {
        public Inferred {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            aux = List.copyOf(aux);
        }
    }

    /** Whether backward receives the gradients arriving at the outputs. */
    public final boolean needTopGrad() {
        return needTopGrad;
    }

    /** Input names, in the order the op takes them (default {@code data}). */
    public List<String> listArguments() {
        return List.of("data");
    }

    /** Output names (default {@code output}). */
    public List<String> listOutputs() {
        return List.of("output");
    }

    /** Names of auxiliary states, passed after the arguments and given no gradient (default none). */
    public List<String> listAuxiliaryStates() {
        return List.of();
    }

    /**
     * Shapes from the input shapes: the inputs unchanged, each output and auxiliary state shape. The default gives
     * every output the first input's shape and assumes no auxiliary states.
     */
    public Inferred<Shape> inferShape(List<Shape> inShapes) {
        return new Inferred<>(inShapes, Collections.nCopies(listOutputs().size(), inShapes.get(0)), List.of());
    }

    /** Dtypes from the input dtypes; the default gives every output and auxiliary state the first input's. */
    public Inferred<DType> inferType(List<DType> inTypes) {
        DType t = inTypes.isEmpty() ? DType.FLOAT32 : inTypes.get(0);
        return new Inferred<>(inTypes, Collections.nCopies(listOutputs().size(), t),
                Collections.nCopies(listAuxiliaryStates().size(), t));
    }

    /** The operator for one call on {@code device} with these argument shapes and dtypes. */
    public abstract CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes);
}
