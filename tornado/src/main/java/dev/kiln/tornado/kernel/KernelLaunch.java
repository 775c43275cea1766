package dev.kiln.tornado.kernel;

import java.util.List;

/** One kernel call: the kernel and its arguments in parameter order. The launches of one node run in list order. */
public record KernelLaunch(String label, KernelClass kernel, List<KernelArg> args) {
    public KernelLaunch {
        args = List.copyOf(args);
    }
}
