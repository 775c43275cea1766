package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.plan.BufferSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@link Readback}s one program handed out from its last run, whose values still sit in the buffers its next
 * run overwrites. {@link #completeAll()}, called before that run, copies every unread one aside first.
 */
final class Readbacks {
    private final List<Late> outstanding = new ArrayList<>();

    /**
     * A readback of buffer {@code spec} whose value {@code fromDevice} copies, as it is now, into a host array of the
     * buffer's type and length.
     */
    synchronized Readback add(BufferSpec spec, Consumer<Object> fromDevice) {
        Late r = new Late(spec, fromDevice);
        outstanding.add(r);
        return r;
    }

    /** Copies aside every readback not read yet; the buffers may be overwritten after this. */
    synchronized void completeAll() {
        for (Late r : outstanding) {
            r.complete();
        }
        outstanding.clear();
    }

    /** One output: read from the device buffer until the program runs again, then from the copy made before. */
    private final class Late implements Readback {
        private final BufferSpec spec;
        private final Consumer<Object> fromDevice;
        private Object copy;
        private boolean read;
        private boolean stale;

        Late(BufferSpec spec, Consumer<Object> fromDevice) {
            this.spec = spec;
            this.fromDevice = fromDevice;
        }

        @Override
        public void into(Object hostArray) {
            synchronized (Readbacks.this) {
                if (copy != null) {
                    HostArrays.copy(copy, hostArray, "output '" + spec.name() + "'");
                } else if (stale) {
                    throw new KilnException("output '" + spec.name() + "' was read once already and its device"
                            + " buffer holds a later run's value");
                } else {
                    fromDevice.accept(hostArray);
                }
                read = true;
            }
        }

        /** Keeps the value of an unread output before the buffer changes. */
        void complete() {
            if (!read && !stale) {
                copy = HostArrays.allocate(spec);
                fromDevice.accept(copy);
            }
            stale = true;
        }
    }
}
