package dev.kiln.compiler.random;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

/** A generated graph's input: its name, shape, dtype and the domain its values are drawn from. */
record VariableSpec(String name, Shape shape, DType dtype, Domain domain) {
    @Override
    public String toString() {
        return name + " : " + shape + " " + dtype + " " + domain;
    }
}
