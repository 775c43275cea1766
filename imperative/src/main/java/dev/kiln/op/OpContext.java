package dev.kiln.op;

/**
 * Per-thread execution state ops may read: whether the thread is in training mode (Dropout drops, BatchNorm uses
 * batch statistics). Autograd's {@code trainMode()} and {@code predictMode()} set it; the default is predict mode,
 * as in MXNet.
 */
public final class OpContext {
    private static final ThreadLocal<boolean[]> TRAINING = ThreadLocal.withInitial(() -> new boolean[] {false});

    private OpContext() {
    }

    /** True if ops on this thread run with training behaviour. */
    public static boolean isTraining() {
        return TRAINING.get()[0];
    }

    /** Sets this thread's training flag and returns the previous value (for restoring it). */
    public static boolean setTraining(boolean training) {
        boolean[] cell = TRAINING.get();
        boolean prev = cell[0];
        cell[0] = training;
        return prev;
    }
}
