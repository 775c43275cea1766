package dev.kiln.tornado.kernel;

/** STAND-IN (not committed): K1 owns this package. */
public enum ArrayFlavor { HEAP, TORNADO_NATIVE }
