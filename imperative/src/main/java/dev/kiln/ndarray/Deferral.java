package dev.kiln.ndarray;

import dev.kiln.KilnException;

/**
 * The shared pending state of a deferred array and every view made of it before its contents arrived: runs the
 * {@link PendingContents} once, under a lock so that concurrent first reads wait for one fill, and remembers a
 * failure so that later accesses report it instead of filling again.
 */
final class Deferral {
    private PendingContents source;
    private boolean done;
    private RuntimeException failure;

    Deferral(PendingContents source) {
        this.source = source;
    }

    /** The source while the contents have not arrived, else null. */
    synchronized PendingContents source() {
        return done ? null : source;
    }

    /** Fills {@code data} from the source unless that already happened; {@code array} names the array. */
    synchronized void complete(Object data, NDArray array) {
        if (done) {
            return;
        }
        if (failure != null) {
            throw failed(array, failure);
        }
        try {
            source.writeInto(data);
        } catch (RuntimeException e) {
            failure = e;
            throw failed(array, e);
        }
        done = true;
        source = null; // the producer (a device buffer) may be freed now
    }

    private KilnException failed(NDArray array, Throwable cause) {
        return new KilnException("the contents of deferred array " + array.shape() + " " + array.dtype()
                + " @" + array.device() + " from " + source.describe() + " could not be produced: "
                + cause.getMessage(), cause);
    }
}
