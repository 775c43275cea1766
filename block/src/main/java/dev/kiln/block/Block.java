package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.anomaly.NumericAnomalyException;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Initializer;
import dev.kiln.init.Uniform;
import dev.kiln.io.NDArrayFile;
import dev.kiln.naming.BlockScope;
import dev.kiln.naming.ScopeOwner;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Constant;
import dev.kiln.parameter.DeferredInitializationException;
import dev.kiln.parameter.LoadOptions;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterLoading;
import dev.kiln.parameter.ParameterSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A piece of a model (Gluon's {@code Block}): it owns parameters and child blocks, names them by Gluon 1.x's
 * prefixes, and computes outputs from inputs eagerly in {@link #forward}. Children and parameters are registered
 * explicitly ({@link #registerChild}, {@link #param}) or found in the subclass's fields, named by the field. Call a
 * block with {@link #call}, which runs forward hooks around {@link #forward} and, at the outermost call, checks
 * that every parameter is initialised or deferred.
 */
public abstract class Block implements ScopeOwner {
    private final String prefix;
    private final String name;
    private final ParameterDict params;
    private final BlockScope scope;
    private final Map<String, Block> children = new LinkedHashMap<>();
    private final Map<String, Parameter> registered = new LinkedHashMap<>();
    private final ForwardHooks hooks = new ForwardHooks();
    /** Set by the first call; read without a lock by every call after it. */
    private volatile boolean called;
    /** Built on the first call that needs it; immutable once published. */
    private volatile Map<Block, String> childNames;
    private boolean ready;

    /** A block named by its class ({@code mymodel0_}) with a new parameter dict. */
    protected Block() {
        this(null, null, null);
    }

    /**
     * A block with an explicit {@code prefix} ({@code null} for the automatic one) and, to share another block's
     * parameters, that block's {@code params} ({@code null} for a new dict).
     */
    protected Block(String prefix, ParameterDict params) {
        this(prefix, params, null);
    }

    /** As {@link #Block(String, ParameterDict)}, with the name hint ({@code dense}, {@code relu}) given. */
    protected Block(String prefix, ParameterDict params, String hint) {
        String h = hint != null ? hint : getClass().getSimpleName().toLowerCase(Locale.ROOT);
        BlockScope.Naming naming = BlockScope.create(prefix, params, h.isEmpty() ? "block" : h);
        this.prefix = naming.prefix();
        this.name = this.prefix.endsWith("_") ? this.prefix.substring(0, this.prefix.length() - 1) : this.prefix;
        this.params = naming.params();
        this.scope = new BlockScope(this);
    }

    // ---- naming --------------------------------------------------------------------------------------------

    @Override
    public String prefix() {
        return prefix;
    }

    /** The prefix without its trailing {@code _} ({@code dense0}). */
    public String name() {
        return name;
    }

    /** This block's own parameters (not its children's; see {@link #collectParams()}). */
    @Override
    public ParameterDict params() {
        return params;
    }

    /**
     * Enters this block's name scope until the handle is closed: blocks created meanwhile are named as its
     * children ({@code model0_dense0_}) and symbolic nodes get its prefix.
     */
    public BlockScope.Entered nameScope() {
        return scope.enter();
    }

    // ---- registration --------------------------------------------------------------------------------------

    /** Registers {@code block} as a child named by its position ({@code "0"}, {@code "1"}, ...). */
    protected <B extends Block> B registerChild(B block) {
        return registerChild(block, Integer.toString(children.size()));
    }

    /** Registers {@code block} as a child named {@code name} (its key in structural parameter names). */
    protected <B extends Block> B registerChild(B block, String name) {
        if (block == null) {
            throw new KilnException("block '" + this.name + "': cannot register a null child '" + name + "'");
        }
        children.put(name, block);
        childNames = null;
        ready = false;
        structureChanged();
        return block;
    }

    /** Creates (or fetches, see {@link ParameterDict#get}) parameter {@code prefix + name} and registers it. */
    protected Parameter param(String name, ParameterSpec spec) {
        return registerParameter(name, params.get(name, spec));
    }

    /** Creates (or fetches) constant {@code prefix + name} with {@code value} and registers it. */
    protected Constant constant(String name, NDArray value) {
        Constant c = params.getConstant(name, value);
        registerParameter(name, c);
        return c;
    }

    /** Registers {@code p} under attribute name {@code name} (what {@code hybridForward} and saved files use). */
    protected <P extends Parameter> P registerParameter(String name, P p) {
        Parameter old = registered.get(name);
        if (old != null && old != p) {
            throw new KilnException("block '" + this.name + "': parameter attribute '" + name + "' is already "
                    + "registered as '" + old.name() + "'; overriding it is not allowed");
        }
        registered.put(name, p);
        ready = false;
        structureChanged();
        return p;
    }

    /** Child blocks by name, in registration order (fields included). */
    public Map<String, Block> children() {
        findFields();
        return Collections.unmodifiableMap(children);
    }

    /** Parameters registered on this block by attribute name (fields included). */
    public Map<String, Parameter> registeredParameters() {
        findFields();
        return Collections.unmodifiableMap(registered);
    }

    /**
     * The name {@code child} is registered under here, or {@code null}; looked up on every call of a child, so the
     * identity map is kept once the block has been called (registration clears it).
     */
    String childName(Block child) {
        Map<Block, String> names = childNames;
        if (names == null) {
            names = new IdentityHashMap<>();
            for (Map.Entry<String, Block> e : children().entrySet()) {
                names.putIfAbsent(e.getValue(), e.getKey());
            }
            if (called) {
                childNames = names;
            }
        }
        return names.get(child);
    }

    /** Registers Block and Parameter fields not yet registered; looked for until the block is first called. */
    private void findFields() {
        if (!called) {
            synchronized (this) { // first calls from several threads at once register one at a time
                FieldRegistration.register(this, children, registered);
            }
        }
    }

    /** Whether the tree was found ready to run; set by the root-call check, reset by registration here. */
    boolean ready() {
        return ready;
    }

    void markReady() {
        ready = true;
    }

    // ---- parameters of the whole tree ----------------------------------------------------------------------

    /** This block's and all descendants' parameters, by full name (Gluon's {@code collect_params()}). */
    public ParameterDict collectParams() {
        return collectParams(null);
    }

    /** As {@link #collectParams()}, keeping names that match {@code regex} at their start. */
    public ParameterDict collectParams(String regex) {
        ParameterDict out = new ParameterDict(params.prefix());
        collectInto(out, regex == null ? null : java.util.regex.Pattern.compile(regex));
        return out;
    }

    private void collectInto(ParameterDict out, java.util.regex.Pattern pattern) {
        List<Parameter> own = new ArrayList<>(params.values());
        own.addAll(registeredParameters().values());
        for (Parameter p : own) {
            if (pattern == null || pattern.matcher(p.name()).lookingAt()) {
                out.put(p);
            }
        }
        for (Block c : children().values()) {
            c.collectInto(out, pattern);
        }
    }

    /**
     * Parameters by structural path, {@code features.0.weight}: registration names of children joined by dots,
     * then the parameter's attribute name. What {@link #saveParameters} writes; never depends on name counters.
     */
    public Map<String, Parameter> collectParamsByPath() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectByPath("", out);
        return out;
    }

    private void collectByPath(String path, Map<String, Parameter> out) {
        registeredParameters().forEach((k, p) -> out.put(path + k, p));
        children().forEach((k, c) -> c.collectByPath(path + k + ".", out));
    }

    /** Initialises every parameter with Gluon's default, {@code Uniform(0.07)}, on the CPU. */
    public void initialize() {
        initialize(new Uniform());
    }

    public void initialize(Initializer init) {
        initialize(init, List.of(Device.cpu()), false, false);
    }

    /** {@code collectParams().initialize(...)}: each parameter's own initialiser wins over {@code init}. */
    public void initialize(Initializer init, List<Device> devices, boolean verbose, boolean forceReinit) {
        collectParams().initialize(init, devices, verbose, forceReinit);
    }

    /** Zeroes every gradient of the tree. */
    public void zeroGrad() {
        collectParams().zeroGrad();
    }

    /** Casts every parameter of the tree to {@code dtype}. */
    public void cast(DType dtype) {
        for (Block c : children().values()) {
            c.cast(dtype);
        }
        for (Parameter p : params.values()) {
            p.cast(dtype);
        }
    }

    /** Calls {@code fn} on every descendant, children first, then on this block; returns this block. */
    public Block apply(Consumer<Block> fn) {
        for (Block c : children().values()) {
            c.apply(fn);
        }
        fn.accept(this);
        return this;
    }

    /**
     * Saves every parameter of the tree to an MXNet {@code .params} dict file keyed by structural path
     * ({@code features.0.weight}); with {@code deduplicate} a shared parameter is written once, under its last path.
     */
    public void saveParameters(Path file, boolean deduplicate) {
        Map<String, Parameter> byPath = collectParamsByPath();
        if (deduplicate) {
            Map<Parameter, String> last = new IdentityHashMap<>();
            byPath.forEach((k, p) -> last.put(p, k));
            byPath.keySet().removeIf(k -> !last.get(byPath.get(k)).equals(k));
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        byPath.forEach((k, p) -> arrays.put(k, p.reduce()));
        NDArrayFile.save(file, arrays);
    }

    public void saveParameters(Path file) {
        saveParameters(file, false);
    }

    public void loadParameters(Path file) {
        loadParameters(file, LoadOptions.defaults());
    }

    /**
     * Loads a file written by {@link #saveParameters} (structural keys) into the tree's parameters, in place; a
     * file whose keys have no {@code .} is taken as a name-keyed file ({@code ParameterDict.save}, or MXNet's
     * legacy {@code save_params}) and loaded with this block's prefix restored, as Gluon does.
     */
    public void loadParameters(Path file, LoadOptions options) {
        Map<String, NDArray> arrays = NDArrayFile.loadDict(file);
        boolean structural = arrays.keySet().stream().anyMatch(k -> k.contains("."));
        if (!structural && !arrays.isEmpty()) {
            ParameterLoading.load(collectParams().asMap(), arrays, options.restorePrefix(prefix),
                    "file '" + file + "'");
            return;
        }
        ParameterLoading.load(withoutStoredAliases(collectParamsByPath(), arrays.keySet()), arrays, options,
                "file '" + file + "'");
    }

    /**
     * A shared parameter reachable by several paths needs only one of them in the file (a deduplicated save): the
     * paths the file lacks are dropped for a parameter the file holds under another path.
     */
    private static Map<String, Parameter> withoutStoredAliases(Map<String, Parameter> byPath,
                                                               java.util.Set<String> stored) {
        Map<Parameter, Boolean> inFile = new IdentityHashMap<>();
        byPath.forEach((k, p) -> inFile.merge(p, stored.contains(k), Boolean::logicalOr));
        Map<String, Parameter> out = new LinkedHashMap<>();
        byPath.forEach((k, p) -> {
            if (stored.contains(k) || !inFile.get(p)) {
                out.put(k, p);
            }
        });
        return out;
    }

    // ---- hybridize -----------------------------------------------------------------------------------------

    /**
     * Hybridizes every hybrid block in this tree with Gluon's default options (see
     * {@link HybridBlock#hybridize(HybridizeOptions)}); a plain block runs eagerly itself and passes the call on to
     * its children.
     */
    public final void hybridize() {
        hybridize(HybridizeOptions.defaults());
    }

    /** {@code hybridize(true)} hybridizes with default options, {@code hybridize(false)} returns to eager. */
    public final void hybridize(boolean active) {
        if (active) {
            hybridize();
        } else {
            dehybridize();
        }
    }

    /** Hybridizes every hybrid block in this tree with {@code options}. */
    public void hybridize(HybridizeOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        for (Block child : children().values()) {
            child.hybridize(options);
        }
    }

    /** Returns every block in this tree to eager execution. */
    public void dehybridize() {
        for (Block child : children().values()) {
            child.dehybridize();
        }
    }

    /** Called when children, parameters or dtypes change; hybridized blocks drop their graphs. */
    protected void structureChanged() {
    }

    // ---- hooks ---------------------------------------------------------------------------------------------

    /** Runs {@code hook} before every forward of this block until the handle is detached. */
    public HookHandle registerForwardPreHook(ForwardPreHook hook) {
        return hooks.addPre(hook);
    }

    /** Runs {@code hook} after every forward of this block until the handle is detached. */
    public HookHandle registerForwardHook(ForwardHook hook) {
        return hooks.addPost(hook);
    }

    // ---- calling -------------------------------------------------------------------------------------------

    /** Calls the block on its inputs and returns its only output (Gluon's {@code block(x)}). */
    public NDArray call(NDArray... inputs) {
        return only(callAll(Arrays.asList(inputs)));
    }

    /** Calls the block and returns all its outputs; {@code null} marks an absent optional input. */
    public List<NDArray> callAll(List<NDArray> inputs) {
        return invoke(inputs, this::forward, true);
    }

    /**
     * The eager computation; a plain block overrides this or {@link #forward(NDArray)}. Inputs may contain
     * {@code null} for absent optional inputs.
     */
    public List<NDArray> forward(List<NDArray> inputs) {
        if (inputs.size() != 1) {
            throw new KilnException("block '" + CallPath.current(name) + "' (" + getClass().getSimpleName()
                    + ") takes one input, got " + inputs.size() + "; override forward(List) for several");
        }
        return List.of(forward(inputs.get(0)));
    }

    /** The eager computation for one input and one output. */
    public NDArray forward(NDArray x) {
        throw new KilnException(getClass().getSimpleName() + " does not override forward");
    }

    /**
     * Runs hooks and the call path around {@code body}; an eager root call first checks that every parameter is
     * initialised or deferred.
     */
    final <T> List<T> invoke(List<T> inputs, Function<List<T>, List<T>> body, boolean eager) {
        boolean root = CallPath.isEmpty();
        findFields();
        if (!called) {
            called = true; // written once: calls from many threads afterwards only read it
        }
        String path = CallPath.enter(this);
        try {
            if (root && eager) {
                InitializationCheck.requireReady(this);
            }
            TraceTaps taps = eager || hooks.isEmpty() ? null : TraceTaps.active();
            if (taps == null) {
                hooks.before(this, inputs);
            }
            List<T> out;
            try (var where = eager && Anomaly.isEnabled() ? AnomalyContext.block(path) : null) {
                out = body.apply(inputs);
            } catch (BlockForwardException | DeferredInitializationException | NumericAnomalyException e) {
                throw e;
            } catch (KilnException e) {
                throw new BlockForwardException(path, getClass().getSimpleName(), e);
            }
            if (taps != null) {
                taps.add(this, inputs, out);
            } else {
                hooks.after(this, inputs, out);
            }
            return out;
        } finally {
            CallPath.exit();
        }
    }

    ForwardHooks hooks() {
        return hooks;
    }

    /** The path of the block being called now ({@code net0.features.3}), or this block's name. */
    protected String currentPath() {
        return CallPath.current(name);
    }

    static <T> T only(List<T> outputs) {
        if (outputs.size() != 1) {
            throw new KilnException("the block returned " + outputs.size() + " outputs; use callAll to get them all");
        }
        return outputs.get(0);
    }

    // ---- description ---------------------------------------------------------------------------------------

    /**
     * A table of every block the forward on {@code inputs} runs: layer, output shape and parameter count, then
     * the totals, trainable and not (Gluon's {@code summary}).
     */
    public String summary(NDArray... inputs) {
        return BlockSummary.of(this, Arrays.asList(inputs));
    }

    /** Gluon's tree: {@code Name(}, one {@code   (child): ...} line per child (indented), then {@code )}. */
    @Override
    public String toString() {
        return Containers.tree(this, List.of());
    }
}
