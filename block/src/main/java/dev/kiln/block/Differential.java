package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a block eagerly and hybridized on the same inputs, side by side, and reports the largest difference per
 * output, per input and parameter gradient, and per parameter a forward updates (BatchNorm's running statistics).
 *
 * <pre>{@code
 * DifferentialReport r = Differential.of(net).inputs(x).training(true).run();
 * System.out.println(r);          // a table: value, shape, max |diff| and where, max relative diff and where
 * r.assertWithin(1e-5, 1e-6);     // throws a KilnException naming what disagrees
 * }</pre>
 *
 * <p>Both paths run {@code callAll} on fresh copies of the inputs, in the requested mode; with gradients (the
 * default) under {@code Autograd.record(training)} followed by a backward from the outputs with the given head
 * gradients (ones by default, the gradient of the outputs' sum), into the copies' and the parameters' {@code grad()}.
 * Random ops draw the same on both paths: the global generator is reseeded ({@link Random#seed}) with one seed before
 * each. The compiled path uses {@link #options} (default: the block's own options if it is hybridized, else
 * Gluon's defaults with {@code inlineLimit(0)}, so that even one-op graphs run compiled while recording).
 *
 * <p>What it leaves behind: the hybridization state each block had (the same traced and compiled graphs and cache
 * counters; the check's own graphs are dropped); parameter values as after one call, since both paths start from
 * the same snapshot (a training-mode forward updates running statistics once, not twice); parameter gradients as
 * one backward of the compiled path would leave them by grad_req (write: that gradient; add: added once; without
 * gradients: untouched); the global random generator reseeded, as after one path. By default the seed is drawn
 * from the global generator, so a seeded program stays reproducible.
 */
public final class Differential {
    private final Block block;
    private List<NDArray> inputs = List.of();
    private List<NDArray> heads;
    private boolean training;
    private boolean gradients = true;
    private HybridizeOptions options;
    private Long seed;

    private Differential(Block block) {
        this.block = block;
    }

    /** A check of {@code block} (initialised; deferred parameters are completed from the inputs). */
    public static Differential of(Block block) {
        return new Differential(java.util.Objects.requireNonNull(block, "block"));
    }

    /** The inputs; {@code null} marks an absent optional input. */
    public Differential inputs(NDArray... xs) {
        return inputs(Arrays.asList(xs));
    }

    /** The inputs; {@code null} marks an absent optional input. */
    public Differential inputs(List<NDArray> xs) {
        this.inputs = new ArrayList<>(xs);
        return this;
    }

    /** Runs both paths in training mode (default predict mode). */
    public Differential training(boolean t) {
        this.training = t;
        return this;
    }

    /** Whether to record and compare gradients too (default true). */
    public Differential gradients(boolean g) {
        this.gradients = g;
        return this;
    }

    /** Head gradients, one per output shaped like it ({@code null} entries: ones); default ones for every output. */
    public Differential headGradients(NDArray... hs) {
        this.heads = Arrays.asList(hs);
        return this;
    }

    /** The options of the compiled path. */
    public Differential options(HybridizeOptions o) {
        this.options = java.util.Objects.requireNonNull(o, "options");
        return this;
    }

    /** The seed of the global random generator before each path (default: drawn from the global generator). */
    public Differential seed(long s) {
        this.seed = s;
        return this;
    }

    /** What one path computed: outputs, gradients by input and parameter name, parameter values by name. */
    private record Path(List<NDArray> outputs, Map<String, NDArray> inputGrads, Map<String, NDArray> paramGrads,
                        Map<String, NDArray> values) {
    }

    /** Runs both paths and compares them. */
    public DifferentialReport run() {
        if (inputs.isEmpty() || inputs.stream().allMatch(java.util.Objects::isNull)) {
            throw new KilnException("differential check of block '" + block.name() + "': no inputs; give them "
                    + "with inputs(...)");
        }
        List<HybridBlock> hybrids = new ArrayList<>();
        collectHybrids(block, hybrids, new IdentityHashMap<>());
        if (hybrids.isEmpty()) {
            throw new KilnException("differential check of block '" + block.name() + "' (" + block.getClass()
                    .getSimpleName() + "): it contains no HybridBlock, so there is no compiled path to compare");
        }
        HybridizeOptions opts = options != null ? options : defaultOptions(hybrids.get(0));
        long s = seed != null ? seed : Random.global().nextKey();
        Map<HybridBlock, Hybridization> found = new IdentityHashMap<>();
        for (HybridBlock h : hybrids) {
            found.put(h, h.hybridization());
        }
        ParameterSnapshot snap = null;
        boolean done = false;
        try (var ignored = Autograd.pause()) {
            block.dehybridize();
            completeDeferred();
            snap = new ParameterSnapshot(block.collectParams().asMap());
            Path eager = runPath(snap, s);
            snap.restoreData();
            block.hybridize(opts);
            Path compiled = runPath(snap, s);
            long graphs = 0;
            for (HybridBlock h : hybrids) {
                graphs += h.cacheStats().misses();
            }
            DifferentialReport report = new DifferentialReport(block.name(), training, gradients, s, graphs,
                    compare(eager, compiled, snap));
            if (gradients) {
                snap.applyOnce(compiled.paramGrads(), device());
            }
            done = true;
            return report;
        } finally {
            for (HybridBlock h : hybrids) {
                h.restoreHybridization(found.get(h));
            }
            if (!done && snap != null) {
                snap.restoreData();
                snap.restoreGradients();
            }
        }
    }

    private static void collectHybrids(Block b, List<HybridBlock> out, Map<Block, Boolean> seen) {
        if (seen.put(b, Boolean.TRUE) != null) {
            return;
        }
        if (b instanceof HybridBlock h) {
            out.add(h);
        }
        for (Block child : b.children().values()) {
            collectHybrids(child, out, seen);
        }
    }

    private static HybridizeOptions defaultOptions(HybridBlock first) {
        return first.hybridizeOptions().orElseGet(() -> HybridizeOptions.builder().inlineLimit(0).build());
    }

    /** Materialises deferred parameters from the inputs' shapes (by inference, or an eager predict call). */
    private void completeDeferred() {
        boolean deferred = block.collectParams().asMap().values().stream().anyMatch(Parameter::isDeferred);
        if (!deferred) {
            return;
        }
        if (block instanceof HybridBlock hb) {
            hb.inferShape(inputs.stream().map(x -> x == null ? null : x.shape()).toArray(Shape[]::new));
        } else {
            try (var ignored = Autograd.predictMode()) {
                block.callAll(copies(inputs, false));
            }
        }
    }

    private Device device() {
        return inputs.stream().filter(java.util.Objects::nonNull).findFirst().orElseThrow().device();
    }

    private Path runPath(ParameterSnapshot snap, long s) {
        if (gradients) {
            snap.zeroGradients();
        }
        List<NDArray> xs = copies(inputs, gradients);
        Random.seed(s);
        List<NDArray> outs;
        if (gradients) {
            try (var ignored = Autograd.record(training)) {
                outs = block.callAll(xs);
            }
            backward(outs);
        } else {
            try (var ignored = training ? Autograd.trainMode() : Autograd.predictMode()) {
                outs = block.callAll(xs);
            }
        }
        Map<String, NDArray> inputGrads = new LinkedHashMap<>();
        for (int i = 0; i < xs.size(); i++) {
            NDArray x = xs.get(i);
            if (x != null && x.gradReq() != null) {
                inputGrads.put(HybridBlock.inputName(i, xs.size()), x.grad().copy());
            }
        }
        Map<String, NDArray> paramGrads = new LinkedHashMap<>();
        Map<String, NDArray> values = new LinkedHashMap<>();
        Device on = device();
        snap.params().forEach((name, p) -> {
            if (p.isInitialized() && p.devices().contains(on)) {
                values.put(name, p.data(on).copy());
                if (gradients && p.gradReq() != GradReq.NULL) {
                    paramGrads.put(name, p.grad(on).copy());
                }
            }
        });
        List<NDArray> kept = new ArrayList<>(); // static allocation may reuse output buffers: keep copies
        for (NDArray y : outs) {
            kept.add(y.copy());
        }
        return new Path(kept, inputGrads, paramGrads, values);
    }

    private void backward(List<NDArray> outs) {
        if (heads != null && heads.size() != outs.size()) {
            throw new KilnException("differential check of block '" + block.name() + "': " + heads.size()
                    + " head gradients for " + outs.size() + " outputs");
        }
        List<NDArray> ys = new ArrayList<>();
        List<NDArray> hs = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            NDArray y = outs.get(k);
            if (y.autogradEntry() == null || !y.dtype().isFloating()) {
                continue;
            }
            NDArray h = heads == null ? null : heads.get(k);
            if (h != null && !h.shape().equals(y.shape())) {
                throw new KilnException("differential check of block '" + block.name() + "': head gradient " + k
                        + " has shape " + h.shape() + ", output " + k + " has shape " + y.shape());
            }
            ys.add(y);
            hs.add(h == null ? null : h.astype(y.dtype()));
        }
        if (!ys.isEmpty()) {
            Autograd.backward(ys, hs, false);
        }
    }

    private List<DifferentialReport.Entry> compare(Path eager, Path compiled, ParameterSnapshot snap) {
        if (eager.outputs().size() != compiled.outputs().size()) {
            throw new KilnException("differential check of block '" + block.name() + "': eager gives "
                    + eager.outputs().size() + " outputs, hybridized " + compiled.outputs().size());
        }
        List<String> names = outputNames(eager.outputs().size());
        List<DifferentialReport.Entry> entries = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            entries.add(DifferentialReport.Entry.of(DifferentialReport.Kind.OUTPUT, names.get(k),
                    eager.outputs().get(k), compiled.outputs().get(k)));
        }
        eager.inputGrads().forEach((n, g) -> entries.add(DifferentialReport.Entry.of(
                DifferentialReport.Kind.INPUT_GRADIENT, n, g, compiled.inputGrads().get(n))));
        eager.paramGrads().forEach((n, g) -> entries.add(DifferentialReport.Entry.of(
                DifferentialReport.Kind.PARAMETER_GRADIENT, n, g, compiled.paramGrads().get(n))));
        eager.values().forEach((n, v) -> {
            NDArray before = snap.saved(snap.params().get(n));
            NDArray c = compiled.values().get(n);
            if (before == null || !sameValues(v, before) || !sameValues(c, before)) {
                entries.add(DifferentialReport.Entry.of(DifferentialReport.Kind.STATE, n, v, c));
            }
        });
        return entries;
    }

    /**
     * {@code output k (graph output name)} from the graph the compiled path traced (its first outputs are the
     * block's), else {@code output k}.
     */
    private List<String> outputNames(int count) {
        List<String> graphNames = List.of();
        if (block instanceof HybridBlock hb && hb.hybridization() != null) {
            List<Hybridization.Traced> traced = hb.hybridization().traced();
            if (traced.size() == 1) {
                graphNames = Symbol.fromGraph(traced.get(0).graph().graph()).listOutputs();
            }
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add("output " + k + (graphNames.size() >= count ? " (" + graphNames.get(k) + ")" : ""));
        }
        return out;
    }

    private static boolean sameValues(NDArray a, NDArray b) {
        return a.shape().equals(b.shape()) && Arrays.equals(a.toDoubleArray(), b.toDoubleArray());
    }

    private static List<NDArray> copies(List<NDArray> xs, boolean attach) {
        List<NDArray> out = new ArrayList<>(xs.size());
        for (NDArray x : xs) {
            NDArray c = x == null ? null : x.copy();
            if (c != null && attach && c.dtype().isFloating()) {
                c.attachGrad();
            }
            out.add(c);
        }
        return out;
    }
}
