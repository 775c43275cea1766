package dev.kiln.compiler;

import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.NDArray;

import java.util.Map;
import java.util.Optional;

/**
 * A graph a backend has compiled for one input signature. {@link #run} computes the forward outputs; when the
 * request asked for gradients, the returned {@link Execution} keeps what backward needs and computes the gradients
 * from the head gradients, without running the forward again. Runs are independent of each other.
 */
public interface CompiledGraph {
    /** The request this graph was compiled for. */
    CompileRequest request();

    /** Runs the forward on {@code inputs}, in {@link CompileRequest#inputs()} order. */
    Execution run(NDArray[] inputs);

    /**
     * The forward outputs for {@code inputs} when no backward will follow (a call outside autograd recording);
     * backends may skip keeping what backward would need.
     */
    default NDArray[] infer(NDArray[] inputs) {
        return run(inputs).outputs();
    }

    /** The graph as the backend runs it (after its passes), for {@code explain()}. */
    Graph compiledGraph();

    /** The memory the compiled graph plans for the compiling call's shapes. */
    MemoryPlan memoryPlan();

    /**
     * The planner's plan behind {@link #memoryPlan()}, buffer by buffer ({@link BufferPlan#describe()}), for a
     * backend that allocates by one; empty otherwise.
     */
    default Optional<BufferPlan> bufferPlan() {
        return Optional.empty();
    }

    /**
     * The classes generated to run this graph for the compiling call's shapes (the executor, the kernels of fused
     * nodes), by simple class name, each as a readable bytecode listing (ASM's Textifier); empty for a graph run node
     * by node. What {@code -Dkiln.compiler.dump} writes to files, on demand, for docs and debugging.
     */
    default Map<String, String> generatedClasses() {
        return Map.of();
    }

    /**
     * What runs this graph, for a backend that chooses at compile time (an accelerator backend names its runtime and
     * device, or says that it found no accelerator runtime and runs the graph with the JIT); empty when the graph runs
     * as the hybridize options' backend says.
     */
    default Optional<String> executedBy() {
        return Optional.empty();
    }

    /**
     * Where each node of {@link #compiledGraph()} runs, one line per node ({@code node -> device|host}) with the
     * reason a node stays on the host, for a backend that splits a graph between devices; empty otherwise.
     */
    default String placement() {
        return "";
    }

    /** One forward run: its outputs and, for gradient-compiled graphs, the way back. */
    interface Execution {
        /** The forward outputs, in graph order, taps included. */
        NDArray[] outputs();

        /**
         * The gradients of the requested inputs ({@link CompileRequest#gradients()} order) for these head
         * gradients, one per head output ({@link CompileRequest#numHeads()}), shaped like it; callable again (autograd's {@code retainGraph}).
         */
        NDArray[] backward(NDArray[] headGradients);

        /**
         * {@link #backward(NDArray[])}, writing gradient {@code k} straight into {@code into[k]} where that is given
         * (an array of the gradient's shape and dtype, such as a parameter's gradient buffer under grad_req write) and
         * the backend can: the returned gradient then shares {@code into[k]}'s storage, else it is an array of the
         * backend's own (always, by default).
         */
        default NDArray[] backward(NDArray[] headGradients, NDArray[] into) {
            return backward(headGradients);
        }

        /**
         * Tells the execution that {@link #backward} will not be called again (autograd freed the step that held
         * it), so the buffers kept for it may serve a later run. Calling {@link #backward} afterwards fails.
         */
        default void release() {
        }
    }
}
