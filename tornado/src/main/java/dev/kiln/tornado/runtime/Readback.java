package dev.kiln.tornado.runtime;

/**
 * A segment output still on the device after a run, copied to the host only when something reads it. The program
 * that returned it completes it (copies the value aside) before it runs again, so a late read still gets this run's
 * value.
 */
public interface Readback {
    /** Copies the value into {@code hostArray}, a {@code float[]} or {@code int[]} of the output's length. */
    void into(Object hostArray);
}
