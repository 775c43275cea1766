package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * Base of the shape family's {@code _backward_*} ops that take {@code (out_grad, data)} with the forward's attributes
 * and return a gradient shaped like {@code data}, which lends only its shape. Each is linear in {@code out_grad}, so
 * its own gradient is the forward op applied to the second-order output gradient.
 */
abstract class ShapeBackward extends ShapeOp {
    private static final List<String> INPUTS = List.of("out_grad", "data");

    private final String forward;
    private final String forwardOf;

    /**
     * @param forward   the forward op's name, applied with these attributes as this op's gradient
     * @param forwardOf how errors name the forward's output, followed by " data shape ..."
     */
    ShapeBackward(String name, List<AttrSpec<?>> attrs, String forward, String forwardOf) {
        super(name, INPUTS, attrs);
        this.forward = forward;
        this.forwardOf = forwardOf;
    }

    /** The shape the forward op gives an input of shape {@code data} (its out_grad of shape {@code outGrad}). */
    abstract Shape forwardShape(Attrs attrs, Shape data, Shape outGrad);

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        requireKnown(in);
        Shape expected = forwardShape(attrs, in.get(1), in.get(0));
        if (!expected.equals(in.get(0))) {
            throw error("out_grad has shape " + in.get(0) + " but " + forwardOf + " data shape " + in.get(1)
                    + " has shape " + expected);
        }
        return List.of(in.get(1));
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    /** The gradient has data's shape and out_grad's dtype. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {1}, new int[] {0});
        slots.forward();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        typeOfFirstInput(slots);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply(forward, g.attrs().values(), g.outGrad(0)), null);
    }
}
