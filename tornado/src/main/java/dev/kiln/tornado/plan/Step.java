package dev.kiln.tornado.plan;

import dev.kiln.tornado.kernel.KernelLaunch;

import java.util.List;

/** One step of a device plan: a node the host runs with its CPU kernel, or a segment of nodes the device runs. */
public sealed interface Step {
    /**
     * A node run on the host (the CPU path, as the JIT runs it).
     *
     * @param node   its index in the compiled graph
     * @param reason why it does not run on the device
     */
    record Host(int node, String reason) implements Step {
    }

    /**
     * A maximal run of nodes the device runs: one program (one TornadoVM task graph). Inputs are sent before the
     * run (parameters only when they changed), intermediates stay on the device, outputs are copied back.
     *
     * @param id       the segment's number in the plan
     * @param nodes    the graph nodes it computes, in order
     * @param buffers  its buffer table
     * @param launches the kernel calls, in order
     * @param inputs   the values it reads from the host
     * @param outputs  the values the host or a later step reads
     */
    record Segment(int id, List<Integer> nodes, List<BufferSpec> buffers, List<KernelLaunch> launches,
                   List<Binding> inputs, List<Binding> outputs) implements Step {
        public Segment {
            nodes = List.copyOf(nodes);
            buffers = List.copyOf(buffers);
            launches = List.copyOf(launches);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }
}
