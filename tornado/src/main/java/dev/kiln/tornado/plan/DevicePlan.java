package dev.kiln.tornado.plan;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a compiled graph's nodes run for one set of input shapes: the forward steps and the backward steps (empty for
 * inference), each a node on the host or a device segment ({@link Step}).
 *
 * @param forward  the steps of the forward run, in order
 * @param backward the steps of the backward run, in order
 */
public record DevicePlan(List<Step> forward, List<Step> backward) {
    public DevicePlan {
        forward = List.copyOf(forward);
        backward = List.copyOf(backward);
    }

    /** Every step, the forward ones first. */
    public List<Step> steps() {
        List<Step> all = new ArrayList<>(forward);
        all.addAll(backward);
        return all;
    }

    /** How many op nodes run on the device. */
    public int deviceNodes() {
        int n = 0;
        for (Step s : steps()) {
            if (s instanceof Step.Segment seg) {
                n += seg.nodes().size();
            }
        }
        return n;
    }

    /** How many op nodes run on the host. */
    public int hostNodes() {
        int n = 0;
        for (Step s : steps()) {
            if (s instanceof Step.Host) {
                n++;
            }
        }
        return n;
    }

    /** The device segments, in run order. */
    public List<Step.Segment> segments() {
        List<Step.Segment> out = new ArrayList<>();
        for (Step s : steps()) {
            if (s instanceof Step.Segment seg) {
                out.add(seg);
            }
        }
        return out;
    }

    /**
     * One line per op node of {@code graph} in run order: {@code name (op) -> device segment k} or
     * {@code name (op) -> host: reason}, then the counts.
     */
    public String describe(Graph graph) {
        StringBuilder sb = new StringBuilder();
        describe(graph, "forward", forward, sb);
        describe(graph, "backward", backward, sb);
        sb.append(deviceNodes()).append(" nodes on the device in ").append(segments().size()).append(" segments, ")
                .append(hostNodes()).append(" on the host\n");
        return sb.toString();
    }

    private static void describe(Graph graph, String part, List<Step> steps, StringBuilder sb) {
        if (steps.isEmpty()) {
            return;
        }
        sb.append(part).append(":\n");
        for (Step s : steps) {
            switch (s) {
                case Step.Host h -> sb.append("  ").append(label(graph, h.node())).append(" -> host: ")
                        .append(h.reason()).append('\n');
                case Step.Segment seg -> {
                    for (int n : seg.nodes()) {
                        sb.append("  ").append(label(graph, n)).append(" -> device (segment ").append(seg.id())
                                .append(")\n");
                    }
                }
            }
        }
    }

    private static String label(Graph graph, int node) {
        return graph.node(node) instanceof OpNode op ? op.name() + " (" + op.op().name() + ")" : graph.node(node).name();
    }
}
