package dev.kiln.tornado;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.tornado.plan.Binding;
import dev.kiln.tornado.plan.BufferSpec;
import dev.kiln.tornado.plan.Step;
import dev.kiln.tornado.runtime.DeviceMemory;
import dev.kiln.tornado.runtime.DeviceProgram;
import dev.kiln.tornado.runtime.Readback;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A loaded device segment and its transfer plan: parameters are sent when their array or its contents changed since
 * the device last received them ({@link NDArray#mutationCount()}), other inputs every run; outputs come back as new
 * arrays on the inputs' device, {@link NDArray#deferred deferred} while the device still holds them
 * ({@link DeviceOutput}: copied when first read); auxiliary states the device updated are written back into the host
 * arrays. On a runtime with {@link DeviceMemory shared memory} the parameters are the shared device copies, which
 * every segment and the optimizer's device updates use, and an output later segments read stays there for them.
 */
final class SegmentRun {
    private final Step.Segment segment;
    private final DeviceProgram program;
    private final boolean[] parameter;
    /** Per input binding, the host array and mutation count the device copy was made from (parameters only). */
    private final Object[] sentData;
    private final long[] sentMutations;
    private final AtomicLongArray stats;
    private final Graph graph;
    private final InferenceResult<Shape> shapes;
    /** The runtime's shared memory holding the parameters once for every program, or null. */
    private final DeviceMemory shared;
    /** Per output binding, whether it stays on the device for later device segments (and the host reads it late). */
    private final boolean[] keep;
    /** Per output binding, whether the host may read it too (a graph output, a host step's input). */
    private final boolean[] hostMayRead;

    /** {@code segment} loaded as {@code program}, for {@code graph} whose values have {@code shapes}. */
    SegmentRun(Step.Segment segment, DeviceProgram program, AtomicLongArray stats, Graph graph,
               InferenceResult<Shape> shapes, DeviceMemory shared, boolean[] keep, boolean[] hostMayRead) {
        this.hostMayRead = hostMayRead;
        this.shared = shared;
        this.keep = keep;
        this.graph = graph;
        this.shapes = shapes;
        this.segment = segment;
        this.program = program;
        this.stats = stats;
        List<Binding> in = segment.inputs();
        parameter = new boolean[in.size()];
        for (int k = 0; k < parameter.length; k++) {
            parameter[k] = segment.buffers().get(in.get(k).buffer()).role() == BufferSpec.Role.PARAMETER;
        }
        sentData = new Object[in.size()];
        sentMutations = new long[in.size()];
    }

    /** Runs the segment on the values in {@code values} and stores its outputs there. */
    synchronized void run(NDArray[][] values, Device device) {
        List<Binding> in = segment.inputs();
        Object[] send = new Object[in.size()];
        NDArray[] hosts = new NDArray[in.size()];
        for (int k = 0; k < send.length; k++) {
            Entry e = in.get(k).entry();
            NDArray a = values[e.node()][e.output()];
            hosts[k] = a;
            if (parameter[k] && shared != null) {
                send[k] = shared.current(a, () -> stats.incrementAndGet(TornadoGraph.PARAMETER_UPLOADS));
                continue;
            }
            DeviceMemory.OnDevice kept = shared == null || parameter[k] ? null : shared.kept(a);
            if (kept != null) { // an earlier segment left it on the device
                send[k] = kept;
                continue;
            }
            if (parameter[k] && sentData[k] == a.data() && sentMutations[k] == a.mutationCount()) {
                continue; // the device copy is current
            }
            send[k] = a.data();
            if (parameter[k]) {
                sentData[k] = a.data();
                sentMutations[k] = a.mutationCount();
                stats.incrementAndGet(TornadoGraph.PARAMETER_UPLOADS);
            } else {
                stats.incrementAndGet(TornadoGraph.INPUT_UPLOADS);
            }
        }
        Object[] results = program.run(send, keep);
        stats.incrementAndGet(TornadoGraph.RUNS);
        List<Binding> out = segment.outputs();
        for (int k = 0; k < out.size(); k++) {
            Entry e = out.get(k).entry();
            BufferSpec spec = segment.buffers().get(out.get(k).buffer());
            if (values[e.node()] == null) {
                values[e.node()] = new NDArray[outputsOf(e.node())];
            }
            String name = "output '" + spec.name() + "' of segment " + segment.id();
            if (results[k] instanceof DeviceMemory.OnDevice d) { // later segments bind it; the host copies it if read
                NDArray kept = NDArray.deferred(shapeOf(e), spec.dtype(), device,
                        new DeviceOutput(shared.readback(d), stats, name));
                shared.keep(kept, d.array(), hostMayRead[k]);
                values[e.node()][e.output()] = kept;
                stats.incrementAndGet(TornadoGraph.KEPT);
            } else if (results[k] instanceof Readback r) { // copied when the host reads it, if ever
                values[e.node()][e.output()] = NDArray.deferred(shapeOf(e), spec.dtype(), device,
                        new DeviceOutput(r, stats, name));
            } else {
                values[e.node()][e.output()] = NDArray.wrap(shapeOf(e), spec.dtype(), device, results[k]);
                stats.incrementAndGet(TornadoGraph.DOWNLOADS);
            }
        }
        int r = out.size();
        for (int k = 0; k < in.size(); k++) {
            if (in.get(k).writeBack()) {
                System.arraycopy(results[r], 0, hosts[k].data(), 0, hosts[k].size());
                stats.incrementAndGet(TornadoGraph.DOWNLOADS);
                hosts[k].markMutated();
                r++;
                if (parameter[k] && shared != null) {
                    shared.hostWritten(hosts[k]);
                } else if (parameter[k]) { // the device holds what the host now holds
                    sentData[k] = hosts[k].data();
                    sentMutations[k] = hosts[k].mutationCount();
                }
            }
        }
    }

    private int outputsOf(int node) {
        return graph.node(node) instanceof OpNode op ? op.numOutputs() : 1;
    }

    private Shape shapeOf(Entry e) {
        return shapes.entry(e);
    }
}
