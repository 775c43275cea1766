package dev.kiln.tornado.plan;

import dev.kiln.graph.Entry;

/**
 * A value crossing a device segment's boundary: the graph entry on the host side and the buffer on the device side.
 *
 * @param entry     the node output in the compiled graph
 * @param buffer    the buffer index in the segment
 * @param writeBack for an input, whether the device updates it in place (an auxiliary state such as BatchNorm's
 *                  moving mean in training), so the run copies it back into the host array; false for outputs
 */
public record Binding(Entry entry, int buffer, boolean writeBack) {
}
