/**
 * Graph compilation behind hybridized blocks: the {@code Backend} interface, compile requests and compiled
 * graphs. The backends themselves (passes, parameter stage, memory planner, JIT kernels and the generated executor)
 * are internal; their generated classes are hidden classes defined in the compiler's own packages.
 */
module dev.kiln.compiler {
    requires transitive dev.kiln.symbolic;
    requires org.objectweb.asm;
    requires org.objectweb.asm.util;
    requires java.logging;

    exports dev.kiln.compiler;
    // the accelerator backend (kiln-tornado) reuses the passes and the fusion, and lowers the fused nodes itself
    exports dev.kiln.compiler.jit to dev.kiln.tornado;
    exports dev.kiln.compiler.pass to dev.kiln.tornado;
    exports dev.kiln.compiler.stage to dev.kiln.tornado;

    // further backends (an accelerator, say) found by name at run time
    uses dev.kiln.compiler.Backend;
}
