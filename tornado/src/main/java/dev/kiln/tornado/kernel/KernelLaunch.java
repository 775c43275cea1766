package dev.kiln.tornado.kernel;

import java.util.List;

/** STAND-IN (not committed): K1 owns this package. */
public record KernelLaunch(String label, KernelClass kernel, List<KernelArg> args) {}
