package dev.kiln.compiler.exec;

/**
 * The generated code of one graph specialisation ({@link ProgramGenerator}): {@link #forward} calls the step of every
 * forward node in order, {@link #backward} those of the backward nodes, each reading and writing the frame's values.
 */
interface GraphProgram {
    /** Runs the forward nodes on {@code frame}, whose input slots are filled. */
    void forward(Frame frame);

    /** Runs the backward nodes on {@code frame}, which holds a forward's values and the head gradients. */
    void backward(Frame frame);
}
