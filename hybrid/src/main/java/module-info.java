/** Cached graphs of hybridized blocks (MXNet's CachedOp): input signatures, the graph cache and its options. */
module dev.kiln.hybrid {
    requires transitive dev.kiln.compiler;

    exports dev.kiln.hybrid;
}
