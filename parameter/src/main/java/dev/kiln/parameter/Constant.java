package dev.kiln.parameter;

import java.lang.System.Logger.Level;

import dev.kiln.autograd.GradReq;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.NDArray;


/**
 * A parameter with a fixed value and no gradient (Gluon's {@code Constant}): its shape and dtype are the value's,
 * initialisation always copies the value (the initialiser given to {@code initialize} is never used), its
 * {@code gradReq} stays null so autograd and optimizers leave it alone, and it is saved and loaded like any
 * parameter ({@code setData} still replaces the value).
 */
public final class Constant extends Parameter {
    private static final System.Logger LOG = System.getLogger(Constant.class.getName());

    private final NDArray value;

    /** A constant holding a copy of {@code value}. */
    public Constant(String name, NDArray value) {
        super(name, ParameterSpec.of().shape(value.shape()).dtype(value.dtype()).differentiable(false)
                .gradReq(GradReq.NULL).init(new dev.kiln.init.Constant(value)));
        this.value = value.detach().copy();
    }

    /** The value the constant was created with. */
    public NDArray value() {
        return value.copy();
    }

    /** Constants keep {@code gradReq} null; another request is ignored with a warning, as in Gluon. */
    @Override
    public void setGradReq(GradReq req) {
        if (req != GradReq.NULL) {
            LOG.log(Level.WARNING, "Constant parameter '" + name() + "' does not support gradReq other than null; "
                    + req.mxnetName() + " is ignored");
        }
    }

    /** A constant is always initialised from its value; another initialiser is ignored with a warning. */
    @Override
    public void setInit(Initializer initializer) {
        if (init() == null) {
            super.setInit(initializer);
        } else if (initializer != init()) {
            LOG.log(Level.WARNING, "Constant parameter '" + name() + "' is always initialised from its value; the "
                    + "initializer is ignored");
        }
    }

    @Override
    protected String kind() {
        return "Constant";
    }

}
