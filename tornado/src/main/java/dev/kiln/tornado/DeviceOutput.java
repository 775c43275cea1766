package dev.kiln.tornado;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.PendingContents;
import dev.kiln.tornado.runtime.Readback;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The pending contents of a segment output returned as a {@link NDArray#deferred deferred array}: copied from the
 * device by its {@link Readback} when the host first reads the array, which is when the download is counted.
 *
 * @param name the output and its segment, for the error when the copy fails
 */
record DeviceOutput(Readback readback, AtomicLongArray stats, String name) implements PendingContents {
    @Override
    public void writeInto(Object backingArray) {
        readback.into(backingArray);
        stats.incrementAndGet(TornadoGraph.DOWNLOADS);
    }

    @Override
    public String describe() {
        return "the device (" + name + ")";
    }
}
