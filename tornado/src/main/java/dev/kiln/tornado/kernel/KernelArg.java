package dev.kiln.tornado.kernel;

/** One argument of a kernel launch: a buffer of the segment's table, or an int or float value. */
public sealed interface KernelArg {

    /** The buffer with index {@code buffer} in the segment's buffer table. */
    record Buffer(int buffer) implements KernelArg {
    }

    /** An int passed by value (a size, an offset, an integer attribute). */
    record IntValue(int value) implements KernelArg {
    }

    /** A float passed by value (a scalar attribute such as a learning rate or an epsilon). */
    record FloatValue(float value) implements KernelArg {
    }
}
