package dev.kiln.tornado.kernel;

/**
 * One argument of a kernel launch: a buffer of the segment's table, an int or float value (compiled into the kernel
 * by TornadoVM), or a small float array of values that change between launches of one kernel.
 */
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

    /**
     * Values the caller may change between launches of the same kernel (an update's learning rate): passed as a
     * float array the kernel reads, because TornadoVM compiles scalar arguments into the kernel of a task graph. A
     * runtime sends the array's current contents before each launch; the array is the launch's own, and its owner
     * writes new values into it.
     */
    record FloatValues(float[] values) implements KernelArg {
    }
}
