package dev.kiln.compiler.random;

import dev.kiln.compiler.Backend;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.random.BackendCheck.Outcome;
import dev.kiln.compiler.random.BackendCheck.Result;
import dev.kiln.tornado.TornadoBackend;
import dev.kiln.tornado.TornadoOptions;
import dev.kiln.tornado.plan.DevicePlan;
import dev.kiln.tornado.plan.NodeLowering;
import dev.kiln.tornado.runtime.JavaEmulationRuntime;
import dev.kiln.tornado.testing.OpCallKernels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiler's randomised graph test (#8) against the {@code tornado} backend on the runtime the system properties
 * name (the Java emulation in the suite; TornadoVM with {@code -Ptornadovm}, where
 * {@code -Dkiln.tornado.randomGraphs=20} keeps the run short: each new task graph compiles for the device), with
 * host fallback allowed: every graph must agree with the reference interpreter (inference, training, gradients,
 * auxiliary states), and a good share of the op nodes must have run on the device. Lives in the compiler test
 * package to reuse its generator and {@link BackendCheck} from the compiler's test jar.
 */
class TornadoRandomGraphTest {
    private static final long SEED = 20261121L;

    /** Compiles with the tornado backend and counts where the nodes of each compiled graph ran. */
    private static final class CountingBackend implements Backend {
        private final TornadoBackend inner;
        private long deviceNodes;
        private long hostNodes;
        private long failedSegments;
        private final List<CompiledGraph> compiled = new ArrayList<>();
        private final Map<String, Integer> hostReasons = new TreeMap<>();

        CountingBackend(NodeLowering kernels) {
            inner = kernels == null
                    ? new TornadoBackend(TornadoOptions.fromSystemProperties().withFallback(true))
                    : new TornadoBackend(TornadoOptions.emulation().withFallback(true), new JavaEmulationRuntime(),
                    kernels);
        }

        @Override
        public String name() {
            return TornadoBackend.NAME;
        }

        @Override
        public CompiledGraph compile(CompileRequest request) {
            CompiledGraph g = inner.compile(request);
            compiled.add(g);
            return g;
        }

        /**
         * Counts the op nodes of every graph compiled so far by where they ran: a segment the device failed at run
         * time (TornadoVM cannot compile a kernel; fallback is allowed) counts as host.
         */
        void count() {
            for (CompiledGraph g : compiled) {
                DevicePlan plan = TornadoBackend.devicePlan(g).orElseThrow();
                String placement = g.placement();
                for (var seg : plan.segments()) {
                    boolean failed = placement.contains("segment " + seg.id() + " runs on the host");
                    if (failed) {
                        hostNodes += seg.nodes().size();
                        failedSegments++;
                    } else {
                        deviceNodes += seg.nodes().size();
                    }
                }
                hostNodes += plan.hostNodes();
                for (String line : placement.split("\n")) {
                    if (line.contains("-> host: ")) {
                        String op = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
                        hostReasons.merge(op, 1, Integer::sum);
                    }
                }
            }
            compiled.clear();
        }

        double deviceShare() {
            return deviceNodes == 0 ? 0 : (double) deviceNodes / (deviceNodes + hostNodes);
        }
    }

    private static CountingBackend check(CountingBackend backend, int graphs, Function<Integer, Integer> ops) {
        BackendCheck check = new BackendCheck(List.of(backend));
        GraphGenerator generator = new GraphGenerator();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < graphs && failures.size() < 3; i++) {
            RandomGraph g = generator.generate(SEED + i, ops.apply(i));
            Result r = check.check(g);
            backend.count();
            if (r.outcome() == Outcome.REFERENCE_FAILED) {
                continue;
            }
            checked++;
            if (r.outcome() == Outcome.DIFFER) {
                RandomGraph small = Shrinker.shrink(g, check);
                failures.add(r.detail() + "\nshrunk:\n" + small.describe() + "original:\n" + g.describe());
            }
        }
        backend.count();
        System.out.printf("tornado random graphs: %d checked, %d op nodes on the device, %d on the host (%.0f%%),"
                        + " %d segments the device failed; host nodes by op: %s%n", checked, backend.deviceNodes,
                backend.hostNodes, 100 * backend.deviceShare(), backend.failedSegments, backend.hostReasons);
        assertThat(failures).as("graphs where the tornado backend differs from the reference").isEmpty();
        assertThat(checked).isGreaterThan(graphs / 2);
        return backend;
    }

    @Test
    void theDeviceKernelsAgreeWithTheReferenceAndRunMostNodesOnTheDevice() {
        CountingBackend b = check(new CountingBackend(null), Integer.getInteger("kiln.tornado.randomGraphs", 150),
                i -> 3 + i % 10);
        assertThat(b.deviceShare()).as("share of op nodes run on the device").isGreaterThan(0.5);
    }

    @Test
    void thePlanTransfersAndWriteBacksKeepTheReferencesValuesWhenEveryNodeCanRunOnTheDevice() {
        CountingBackend b = check(new CountingBackend(new OpCallKernels()), 80, i -> 3 + i % 10);
        assertThat(b.deviceShare()).as("share of op nodes run on the device").isGreaterThan(0.8);
    }
}
