package dev.kiln.hybrid;

import dev.kiln.KilnException;
import dev.kiln.compiler.Backends;

/**
 * How a hybridized block compiles and caches its graph (Gluon's {@code hybridize(**kwargs)}), checked when built.
 *
 * <pre>{@code
 * net.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).build());
 * }</pre>
 *
 * @param staticAlloc  allocate the graph's buffers once and reuse them across calls (default false)
 * @param staticShape  compile per exact input shapes; otherwise one graph serves every shape of the same ranks
 *                     (default false; requires {@code staticAlloc}, as in MXNet)
 * @param inlineLimit  while recording for autograd, graphs of at most this many ops run op by op on the tape
 *                     instead of as one compiled step (default 2, MXNet's)
 * @param backend      the compiler backend's name ({@link Backends#available()}; default {@link Backends#defaultName()})
 * @param cacheSize    how many compiled graphs a block keeps, one per input signature, before evicting the least
 *                     recently used with a warning (default 32)
 */
public record HybridizeOptions(boolean staticAlloc, boolean staticShape, int inlineLimit, String backend,
                               int cacheSize) {

    public HybridizeOptions {
        if (inlineLimit < 0) {
            throw new KilnException("hybridize: inlineLimit must be >= 0, got " + inlineLimit);
        }
        if (cacheSize < 1) {
            throw new KilnException("hybridize: cacheSize must be >= 1, got " + cacheSize);
        }
        if (staticShape && !staticAlloc) {
            throw new KilnException("hybridize: staticShape requires staticAlloc (as in MXNet); set staticAlloc(true)");
        }
        if (backend == null) {
            throw new KilnException("hybridize: backend must not be null; available: "
                    + Backends.available().keySet());
        }
        Backends.get(backend);
    }

    /** Gluon's defaults on the default backend. */
    public static HybridizeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().staticAlloc(staticAlloc).staticShape(staticShape).inlineLimit(inlineLimit)
                .backend(backend).cacheSize(cacheSize);
    }

    /** Builds {@link HybridizeOptions}; {@link #build()} validates. */
    public static final class Builder {
        private boolean staticAlloc;
        private boolean staticShape;
        private int inlineLimit = 2;
        private String backend = Backends.defaultName();
        private int cacheSize = 32;

        private Builder() {
        }

        public Builder staticAlloc(boolean v) {
            this.staticAlloc = v;
            return this;
        }

        public Builder staticShape(boolean v) {
            this.staticShape = v;
            return this;
        }

        public Builder inlineLimit(int v) {
            this.inlineLimit = v;
            return this;
        }

        public Builder backend(String v) {
            this.backend = v;
            return this;
        }

        public Builder cacheSize(int v) {
            this.cacheSize = v;
            return this;
        }

        public HybridizeOptions build() {
            return new HybridizeOptions(staticAlloc, staticShape, inlineLimit, backend, cacheSize);
        }
    }
}
