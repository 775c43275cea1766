package dev.kiln.tornado.kernel;

/** One argument of a kernel launch: a buffer of the segment's table, or an int or float value. */
public sealed interface KernelArg {

    /** The buffer with index {@code buffer} in the segment's buffer table. */
    record Buffer(int buffer) implements KernelArg {
    }

    record IntValue(int value) implements KernelArg {
    }

    record FloatValue(float value) implements KernelArg {
    }
}
