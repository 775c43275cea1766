package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.DType;

/** STAND-IN (not committed): K1 owns this package. */
public interface BufferTable { int input(int i); int output(int i); int scratch(DType dtype, long elements); }
