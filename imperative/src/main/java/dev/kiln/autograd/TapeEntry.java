package dev.kiln.autograd;

import dev.kiln.ndarray.NDArray;

/**
 * Autograd's note on an NDArray: either a variable the user asked gradients for ({@code attachGrad}), or output
 * {@code index} of a recorded op application. Arrays autograd knows nothing about carry no entry.
 */
public sealed interface TapeEntry permits TapeEntry.Variable, TapeEntry.Output {

    /** A leaf the user attached a gradient buffer to. Identity matters: one per {@code attachGrad} call. */
    final class Variable implements TapeEntry {
        private final GradReq req;
        private final NDArray grad;
        private boolean freshGrad;

        public Variable(GradReq req, NDArray grad) {
            this.req = req;
            this.grad = grad;
        }

        public GradReq req() {
            return req;
        }

        /** The gradient buffer, {@code null} when {@code req} is {@link GradReq#NULL}. */
        public NDArray grad() {
            return grad;
        }

        /**
         * Whether a backward pass has written (or added to) the gradient buffer since the flag was last cleared;
         * the Trainer reads it to find stale gradients, as MXNet's {@code _fresh_grad}.
         */
        public boolean freshGrad() {
            return freshGrad;
        }

        /** Sets the fresh-gradient flag: backward sets it, the Trainer clears it after an update. */
        public void setFreshGrad(boolean fresh) {
            this.freshGrad = fresh;
        }
    }

    /** Output {@code index} of the recorded application {@code node}. */
    record Output(TapeNode node, int index) implements TapeEntry {
    }
}
