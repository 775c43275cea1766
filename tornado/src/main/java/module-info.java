/**
 * The {@code tornado} compiler backend: hybridized graphs on accelerators through TornadoVM, which is found at run
 * time by class name (no compile-time dependency); without it graphs run on the CPU. The device kernels are generated
 * with ASM ({@code dev.kiln.tornado.kernel}); the plan ({@code .plan}) splits a compiled graph into device segments
 * and host nodes; the runtimes ({@code .runtime}) run segments on TornadoVM or as plain Java.
 */
module dev.kiln.tornado {
    requires transitive dev.kiln.compiler;
    // the optimizers' fused updates run on the device (dev.kiln.optimizer.DeviceUpdates)
    requires dev.kiln.parameter;
    requires org.objectweb.asm;
    requires org.objectweb.asm.util;

    exports dev.kiln.tornado;
    exports dev.kiln.tornado.plan;
    exports dev.kiln.tornado.runtime;
    exports dev.kiln.tornado.kernel;

    provides dev.kiln.compiler.Backend with dev.kiln.tornado.TornadoBackend;
}
