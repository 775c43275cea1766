package dev.kiln.op;

import java.util.List;

/**
 * One way an op's output may live in an input's storage, as MXNet's {@code FInplaceOption} and
 * {@code FInplaceIdentity} declare it. A memory planner uses it only when the two values have the same element count
 * and storage type; the op only promises that its kernel stays correct with the output written over the input.
 *
 * @param input    the input index whose storage the output may take
 * @param output   the output index
 * @param identity true if the output is the input's elements unchanged (reshape, copy), so it may share the storage
 *                 even while the input is still read later; false if the kernel overwrites the input
 *                 (element-wise maths), which is legal only when nothing reads the input afterwards
 */
public record InPlaceOption(int input, int output, boolean identity) {
    /** The declaration of one-input element-wise ops: output 0 written over input 0. */
    public static final List<InPlaceOption> OVERWRITES_DATA = java.util.List.of(overwrite(0, 0));
    /** The declaration of ops whose output 0 is input 0's elements relabelled (reshape, copy). */
    public static final List<InPlaceOption> RELABELS_DATA = java.util.List.of(identity(0, 0));

    public InPlaceOption {
        if (input < 0 || output < 0) {
            throw new IllegalArgumentException("in-place indices must be >= 0, got input " + input + ", output "
                    + output);
        }
    }

    /** Output {@code output} may be written over input {@code input}, element by element. */
    public static InPlaceOption overwrite(int input, int output) {
        return new InPlaceOption(input, output, false);
    }

    /** Output {@code output} holds input {@code input}'s elements unchanged and may share its storage. */
    public static InPlaceOption identity(int input, int output) {
        return new InPlaceOption(input, output, true);
    }
}
