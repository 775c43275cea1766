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
    }

    /** Output {@code index} of the recorded application {@code node}. */
    record Output(TapeNode node, int index) implements TapeEntry {
    }
}
