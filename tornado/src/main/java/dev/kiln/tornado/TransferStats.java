package dev.kiln.tornado;

/**
 * What a compiled graph moved between host and device so far, counted per array: how often the device segments
 * ran, parameters sent (the first run, and again after a parameter changed), other inputs sent (every run), and
 * values copied back.
 *
 * @param runs             device segment runs
 * @param parameterUploads parameter and auxiliary-state arrays sent to the device
 * @param inputUploads     other arrays sent to the device
 * @param downloads        arrays copied back to the host: outputs when first read (an output nobody reads is
 *                         never copied), and updated auxiliary states after each run
 * @param keptOnDevice     values a segment left on the device for a later segment (the forward's values the
 *                         backward reads), each neither copied back nor sent again
 */
public record TransferStats(long runs, long parameterUploads, long inputUploads, long downloads, long keptOnDevice) {
    /** Counters of a graph that kept no value on the device. */
    public TransferStats(long runs, long parameterUploads, long inputUploads, long downloads) {
        this(runs, parameterUploads, inputUploads, downloads, 0);
    }
}
