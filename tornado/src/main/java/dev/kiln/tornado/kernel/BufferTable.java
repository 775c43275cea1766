package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.DType;

/** Where a lowering finds its buffers: the node's inputs and outputs, and scratch buffers it asks for. */
public interface BufferTable {
    /** The buffer holding input {@code i} of the node. */
    int input(int i);

    /** The buffer receiving output {@code i} of the node. */
    int output(int i);

    /** A fresh scratch buffer of {@code elements} elements of {@code dtype}, alive for the node's launches. */
    int scratch(DType dtype, long elements);
}
