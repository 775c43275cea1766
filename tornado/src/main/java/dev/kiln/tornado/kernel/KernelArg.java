package dev.kiln.tornado.kernel;

/** STAND-IN (not committed): K1 owns this package. */
public sealed interface KernelArg {
    record Buffer(int buffer) implements KernelArg {}
    record IntValue(int value) implements KernelArg {}
    record FloatValue(float value) implements KernelArg {}
}
