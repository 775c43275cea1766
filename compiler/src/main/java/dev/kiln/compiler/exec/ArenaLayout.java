package dev.kiln.compiler.exec;

import dev.kiln.compiler.memory.Buffer;
import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.Arrays;

/**
 * What every arena of one specialisation shares, read from its {@link BufferPlan} once: per frame slot, the buffer
 * the value lives in, whether the kernel gets that buffer as its output array, whether the array need not be cleared
 * first (the value is written over its input's storage, or its op fills its outputs), and whether anything reads it.
 */
final class ArenaLayout {
    final BufferPlan plan;
    /** Per node, its first slot ({@link Graph#entryOffsets()}). */
    final int[] rowPtr;
    /** Per slot, the buffer holding the value, or a negative {@link BufferPlan} code. */
    final int[] buffer;
    /** Per slot, true if the kernel gets the planned array from {@code Invocation.newOutput}. */
    final boolean[] handed;
    /**
     * Per slot, true if the handed array is not cleared: the value overwrites an input's buffer, or its op declares
     * that its kernel writes every element ({@link dev.kiln.op.OpDef#fillsOutputs}).
     */
    final boolean[] uncleared;
    /** Per buffer, true for graph-output buffers, allocated afresh per run. */
    final boolean[] outputBuffer;
    /** Per slot, the value's shape where the kernel is handed its planned array. */
    final Shape[] shapes;
    /** Per slot, the value's dtype where the kernel is handed its planned array. */
    final DType[] types;
    /** Per slot, true if no node reads the value and it is no graph output (its kernel may skip it). */
    final boolean[] unused;

    ArenaLayout(BufferPlan plan) {
        this.plan = plan;
        Graph graph = plan.graph();
        rowPtr = graph.entryOffsets();
        int slots = rowPtr[graph.size()];
        buffer = new int[slots];
        handed = new boolean[slots];
        uncleared = new boolean[slots];
        shapes = new Shape[slots];
        types = new DType[slots];
        for (int i = 0; i < graph.size(); i++) {
            boolean op = graph.node(i) instanceof OpNode;
            boolean fills = graph.node(i) instanceof OpNode n && n.op().fillsOutputs(n.params());
            for (int k = 0; k < graph.node(i).numOutputs(); k++) {
                Entry e = new Entry(i, k);
                int s = rowPtr[i] + k;
                buffer[s] = plan.bufferOf(e);
                boolean shared = plan.inPlaceInput(e) >= 0;
                // an identity shares its input's buffer unchanged: its kernel must not be handed (and clear) it
                handed[s] = op && buffer[s] >= 0 && !(shared && plan.isIdentity(e));
                uncleared[s] = handed[s] && (shared || fills);
                if (handed[s]) {
                    shapes[s] = plan.shape(e);
                    types[s] = plan.dtype(e);
                }
            }
        }
        unused = new boolean[slots];
        Arrays.fill(unused, true);
        for (int i = 0; i < graph.size(); i++) {
            if (graph.node(i) instanceof OpNode n) {
                for (Entry e : n.inputs()) {
                    unused[rowPtr[e.node()] + e.output()] = false;
                }
            }
        }
        for (Entry e : graph.outputs()) {
            unused[rowPtr[e.node()] + e.output()] = false;
        }
        outputBuffer = new boolean[plan.buffers().size()];
        for (Buffer b : plan.buffers()) {
            outputBuffer[b.id()] = b.role() == Buffer.Role.OUTPUT;
        }
    }

    /**
     * True if a caller's array may stand in for slot {@code s}'s planned array for one run: the kernel is handed it,
     * and it is the only value of a per-run output buffer, so no other value reads or writes that buffer.
     */
    boolean redirectable(int s) {
        return handed[s] && outputBuffer[buffer[s]] && plan.buffers().get(buffer[s]).values().size() == 1;
    }

    /** True if slot {@code s} is planned in a buffer that later values of the same run reuse. */
    boolean inReusedBuffer(int s) {
        return buffer[s] >= 0 && !outputBuffer[buffer[s]];
    }
}
