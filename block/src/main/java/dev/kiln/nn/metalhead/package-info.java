/**
 * The building blocks Flux and Metalhead.jl users bring, as Kiln layers with the semantics those libraries document:
 * {@link dev.kiln.nn.metalhead.DropBlock}, {@link dev.kiln.nn.metalhead.StochasticDepth},
 * {@link dev.kiln.nn.metalhead.LayerScale}, {@link dev.kiln.nn.metalhead.LayerNormV2},
 * {@link dev.kiln.nn.metalhead.ChannelLayerNorm}, and the factories of {@link dev.kiln.nn.metalhead.Layers}
 * ({@code convNorm}, {@code basicConvBn}, {@code prenorm}, {@code createClassifier}, ...). Julia's arrays are
 * column-major with the batch last (WHCN); Kiln's are row-major NCHW, so "the first dims" there are the last here.
 */
package dev.kiln.nn.metalhead;
