package dev.kiln.autograd;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.op.Ops;

import java.util.List;

/**
 * Gluon's {@code autograd} for Kiln: scopes that switch recording and training on this thread, and backward.
 * Recording (are ops taped?) and training (do Dropout and BatchNorm behave as in training?) are separate switches,
 * both off by default; scopes nest and restore what they found when closed.
 *
 * <pre>{@code
 * x.attachGrad();
 * try (var rec = Autograd.record()) {
 *     y = ...;           // ops on x are recorded, in training mode
 * }
 * y.backward();          // x.grad() now holds dy/dx
 * }</pre>
 */
public final class Autograd {
    private Autograd() {
    }

    /** Restores the recording and training flags it found when it was opened. */
    public static final class Scope implements AutoCloseable {
        private final boolean recording;
        private final boolean training;
        private boolean closed;

        private Scope(boolean recording, boolean training) {
            this.recording = OpContext.setRecording(recording);
            this.training = OpContext.setTraining(training);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                OpContext.setRecording(recording);
                OpContext.setTraining(training);
            }
        }
    }

    /** Records ops in training mode until closed ({@code autograd.record()}). */
    public static Scope record() {
        return record(true);
    }

    /** Records ops, in training mode if {@code trainMode} ({@code autograd.record(train_mode=...)}). */
    public static Scope record(boolean trainMode) {
        return new Scope(true, trainMode);
    }

    /** Stops recording, in predict mode, until closed ({@code autograd.pause()}). */
    public static Scope pause() {
        return pause(false);
    }

    /** Stops recording until closed, in training mode if {@code trainMode}. */
    public static Scope pause(boolean trainMode) {
        return new Scope(false, trainMode);
    }

    /** Training behaviour without changing recording ({@code autograd.train_mode()}). */
    public static Scope trainMode() {
        return new Scope(OpContext.isRecording(), true);
    }

    /** Predict behaviour without changing recording ({@code autograd.predict_mode()}). */
    public static Scope predictMode() {
        return new Scope(OpContext.isRecording(), false);
    }

    public static boolean isRecording() {
        return OpContext.isRecording();
    }

    public static boolean isTraining() {
        return OpContext.isTraining();
    }

    /** Sets recording on this thread and returns the previous value ({@code autograd.set_recording}). */
    public static boolean setRecording(boolean recording) {
        return OpContext.setRecording(recording);
    }

    /** Sets training on this thread and returns the previous value ({@code autograd.set_training}). */
    public static boolean setTraining(boolean training) {
        return OpContext.setTraining(training);
    }

    /**
     * Back-propagates from {@code heads}, writing or adding into the {@code grad()} of every variable they depend
     * on. {@code headGrads} may be {@code null} (ones), or hold {@code null} entries; {@code retainGraph} keeps
     * the recorded graph for another backward.
     */
    public static void backward(List<NDArray> heads, List<NDArray> headGrads, boolean retainGraph) {
        Backward.run(heads, headGrads, null, retainGraph, false);
    }

    /** The gradients of {@code heads} (head gradients of ones) with respect to {@code variables}. */
    public static List<NDArray> grad(List<NDArray> heads, List<NDArray> variables) {
        return grad(heads, variables, null, false, false);
    }

    /**
     * The gradients of {@code heads} with respect to {@code variables} (attached variables or recorded
     * intermediate arrays), without touching any {@code grad()} buffer. With {@code createGraph} the computation
     * of the gradients is itself recorded, so they can be differentiated again; the graph is then retained.
     */
    public static List<NDArray> grad(List<NDArray> heads, List<NDArray> variables, List<NDArray> headGrads,
                                     boolean retainGraph, boolean createGraph) {
        return Backward.run(heads, headGrads, variables, retainGraph || createGraph, createGraph);
    }

    /**
     * Whether {@code x}'s gradient buffer was written by a backward pass since {@link #markGradStale} last ran on
     * it (MXNet's {@code _fresh_grad}); false for an array without an attached gradient.
     */
    public static boolean isGradFresh(NDArray x) {
        return x.autogradEntry() instanceof TapeEntry.Variable v && v.freshGrad();
    }

    /** Marks {@code x}'s gradient as consumed, so the next update can tell whether backward wrote it again. */
    public static void markGradStale(NDArray x) {
        if (x.autogradEntry() instanceof TapeEntry.Variable v) {
            v.setFreshGrad(false);
        }
    }

    /** {@code x} with gradients blocked ({@code stop_gradient} / {@code BlockGrad}); recorded like any op. */
    public static NDArray stopGradient(NDArray x) {
        return Ops.call("BlockGrad", x);
    }
}
