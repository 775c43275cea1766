package dev.kiln.parameter;

import dev.kiln.autograd.GradReq;
import dev.kiln.graph.VarAttrs;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

/**
 * The attributes a caller gives when creating or fetching a {@link Parameter}, Gluon's {@code Parameter(...)} and
 * {@code ParameterDict.get(...)} keywords. A {@code null} field was not given: a new parameter takes the default, and
 * {@link ParameterDict#get(String, ParameterSpec)} checks only the given fields against an existing parameter.
 * Immutable; each {@code withX}-style method returns a copy, so a spec can be built fluently:
 * {@code ParameterSpec.of().shape(10, 0).init("xavier").allowDeferredInit(true)}.
 *
 * @param shape             the shape, {@code 0} or {@code -1} dims unknown (stored as {@link Shape#UNKNOWN})
 * @param dtype             element type (default float32)
 * @param init              the parameter's own initialiser, which wins over the one given to {@code initialize}
 * @param allowDeferredInit whether {@code initialize} may defer while the shape is incomplete (default false)
 * @param differentiable    false forces {@code gradReq} null (default true)
 * @param gradReq           write, add or null (default write)
 * @param lrMult            learning-rate multiplier read by optimizers (default 1.0)
 * @param wdMult            weight-decay multiplier read by optimizers (default 1.0)
 */
public record ParameterSpec(Shape shape, DType dtype, Initializer init, Boolean allowDeferredInit,
                            Boolean differentiable, GradReq gradReq, Double lrMult, Double wdMult) {

    private static final ParameterSpec EMPTY = new ParameterSpec(null, null, null, null, null, null, null, null);

    /** A spec with nothing given. */
    public static ParameterSpec of() {
        return EMPTY;
    }

    /** The shape in MXNet's convention: {@code 0} (or {@code -1}) marks a dimension not known yet. */
    public ParameterSpec shape(int... dims) {
        return shape(VarAttrs.toShape("parameter", dims));
    }

    public ParameterSpec shape(Shape s) {
        return new ParameterSpec(s == null ? null : VarAttrs.toShape("parameter", s), dtype, init, allowDeferredInit,
                differentiable, gradReq, lrMult, wdMult);
    }

    public ParameterSpec dtype(DType t) {
        return new ParameterSpec(shape, t, init, allowDeferredInit, differentiable, gradReq, lrMult, wdMult);
    }

    public ParameterSpec init(Initializer i) {
        return new ParameterSpec(shape, dtype, i, allowDeferredInit, differentiable, gradReq, lrMult, wdMult);
    }

    /** The initialiser by registered name ({@code "zeros"}, {@code "xavier"}) or {@code dumps()} JSON. */
    public ParameterSpec init(String nameOrJson) {
        return init(Initializer.create(nameOrJson));
    }

    public ParameterSpec allowDeferredInit(boolean allow) {
        return new ParameterSpec(shape, dtype, init, allow, differentiable, gradReq, lrMult, wdMult);
    }

    public ParameterSpec differentiable(boolean d) {
        return new ParameterSpec(shape, dtype, init, allowDeferredInit, d, gradReq, lrMult, wdMult);
    }

    public ParameterSpec gradReq(GradReq req) {
        return new ParameterSpec(shape, dtype, init, allowDeferredInit, differentiable, req, lrMult, wdMult);
    }

    /** The gradient request by MXNet's name: {@code "write"}, {@code "add"} or {@code "null"}. */
    public ParameterSpec gradReq(String req) {
        return gradReq(GradReq.of(req));
    }

    public ParameterSpec lrMult(double m) {
        return new ParameterSpec(shape, dtype, init, allowDeferredInit, differentiable, gradReq, m, wdMult);
    }

    public ParameterSpec wdMult(double m) {
        return new ParameterSpec(shape, dtype, init, allowDeferredInit, differentiable, gradReq, lrMult, m);
    }
}
