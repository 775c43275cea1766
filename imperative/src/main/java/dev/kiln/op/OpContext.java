package dev.kiln.op;

/**
 * Per-thread execution state: whether ops run with training behaviour (Dropout drops, BatchNorm uses batch
 * statistics) and whether autograd records them. The two are separate switches, as in MXNet; both default to off.
 * {@code dev.kiln.autograd.Autograd} sets them through scopes; ops only read them.
 */
public final class OpContext {
    private static final ThreadLocal<boolean[]> STATE = ThreadLocal.withInitial(() -> new boolean[2]);
    private static final int TRAINING = 0;
    private static final int RECORDING = 1;

    private OpContext() {
    }

    /** True if ops on this thread run with training behaviour. */
    public static boolean isTraining() {
        return STATE.get()[TRAINING];
    }

    /** Sets this thread's training flag and returns the previous value (for restoring it). */
    public static boolean setTraining(boolean training) {
        return swap(TRAINING, training);
    }

    /** True if autograd records the ops this thread runs. */
    public static boolean isRecording() {
        return STATE.get()[RECORDING];
    }

    /** Sets this thread's recording flag and returns the previous value. */
    public static boolean setRecording(boolean recording) {
        return swap(RECORDING, recording);
    }

    private static boolean swap(int slot, boolean value) {
        boolean[] cell = STATE.get();
        boolean prev = cell[slot];
        cell[slot] = value;
        return prev;
    }
}
