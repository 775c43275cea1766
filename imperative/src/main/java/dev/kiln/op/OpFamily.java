package dev.kiln.op;

/** The groups ops are listed under; each family gets its own interface in the typed op surface. */
public enum OpFamily {
    CREATION, ELEMENTWISE, BINARY, REDUCE, LINALG, SHAPE, INDEXING, NN, IMAGE, RANDOM, OPTIMIZER, CUSTOM
}
