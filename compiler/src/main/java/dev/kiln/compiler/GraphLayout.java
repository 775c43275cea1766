package dev.kiln.compiler;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * How a graph compiled by the interpreter backends is laid out for running, so another executor can run the same
 * graph: the graph after passes and lowering (forward, or forward and backward), where the forward part ends, which
 * node each input fills, and where the outputs, head gradients and requested gradients are.
 *
 * @param graph           the graph as compiled
 * @param numForwardNodes how many leading nodes the forward run computes; the rest run in backward
 * @param inputNodes      per input of {@link CompileRequest#inputs()}, its variable node
 * @param outputs         the forward outputs, in graph order
 * @param headNodes       per head, the variable node its gradient fills in backward ({@code -1} when backward does
 *                        not read it); empty for inference
 * @param gradients       the gradient outputs, in {@link CompileRequest#gradients()} order
 * @param passThrough     per output, the input it is when the forward has no op nodes; {@code null} otherwise
 */
public record GraphLayout(Graph graph, int numForwardNodes, List<Integer> inputNodes, List<Entry> outputs,
                          List<Integer> headNodes, List<Entry> gradients, List<Integer> passThrough) {

    public GraphLayout {
        inputNodes = List.copyOf(inputNodes);
        outputs = List.copyOf(outputs);
        headNodes = List.copyOf(headNodes);
        gradients = List.copyOf(gradients);
        passThrough = passThrough == null ? null : List.copyOf(passThrough);
    }

    /**
     * Checks a backward call: the graph must have been compiled with gradients ({@code numGradients} of them) and
     * get one head gradient per head ({@code numHeads}).
     */
    public static void checkBackward(int numGradients, int numHeads, NDArray[] headGradients) {
        if (numGradients == 0) {
            throw new KilnException("compiled graph: compiled for inference; no gradients were requested");
        }
        if (headGradients.length != numHeads) {
            throw new KilnException("compiled graph: " + numHeads + " outputs but " + headGradients.length
                    + " head gradients");
        }
    }

    /** The layout of a graph compiled by {@link InterpreterBackend} (or {@link InterpreterBackend#interpret}). */
    public static GraphLayout of(CompiledGraph compiled) {
        if (compiled instanceof InterpretedGraph g) {
            return g.layout();
        }
        throw new KilnException("compiled graph: only graphs the interpreter backends compiled have a layout, not "
                + compiled.getClass().getName());
    }
}
