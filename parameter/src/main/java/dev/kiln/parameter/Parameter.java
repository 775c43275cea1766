package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.init.InitDesc;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.FrozenValueException;
import dev.kiln.symbol.NodeOrigins;
import dev.kiln.symbol.Symbol;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A learnable array of a model (Gluon's {@code Parameter}): a name, a shape that may still have unknown ({@code 0})
 * dimensions, a dtype, its own initialiser, a gradient request and optimizer multipliers, and once initialised one
 * copy of its data (and gradient) per device. When {@code initialize} runs before the shape is complete and deferred
 * initialisation is allowed, the initialiser is recorded and the data is materialised in place, on this same object,
 * as soon as the shape becomes known: by shape inference over the first forward that uses it, or by a loaded file.
 * Reading the data from many threads is safe, and so is several threads' first forwards racing to materialise a
 * deferred parameter (one of them initialises it, once); the methods that change it (initialising, setting data,
 * casting, moving) take the parameter's lock, but a write while other threads compute with the data is seen by
 * them part-way (see docs/CONCURRENCY.md).
 */
public class Parameter {
    private static final System.Logger LOG = System.getLogger(Parameter.class.getName());

    /** What {@code initialize} recorded while the shape is incomplete; {@code value} is data given by setData. */
    private record Deferred(Initializer globalInit, List<Device> devices, NDArray value, boolean verbose) {
    }

    private final String name;
    private Shape shape;
    private DType dtype;
    private Initializer init;
    private boolean allowDeferredInit;
    private final boolean differentiable;
    private GradReq gradReq;
    private double lrMult;
    private double wdMult;

    /** Published whole: a reader that sees the list sees the devices written before it. */
    private volatile List<NDArray> data;
    private volatile List<Device> devices;
    private volatile Deferred deferred;
    private String deferredReason;
    private Symbol var;

    /** A parameter with every attribute at Gluon's default (float32, write, multipliers 1, no shape yet). */
    public Parameter(String name) {
        this(name, ParameterSpec.of());
    }

    /** A parameter with the given attributes; those left {@code null} in {@code spec} take Gluon's defaults. */
    public Parameter(String name, ParameterSpec spec) {
        if (name == null || name.isEmpty()) {
            throw new KilnException("a Parameter needs a non-empty name");
        }
        this.name = name;
        this.shape = spec.shape();
        this.dtype = spec.dtype() == null ? DType.FLOAT32 : spec.dtype();
        this.init = spec.init();
        this.allowDeferredInit = Boolean.TRUE.equals(spec.allowDeferredInit());
        this.differentiable = !Boolean.FALSE.equals(spec.differentiable());
        GradReq req = spec.gradReq() == null ? GradReq.WRITE : spec.gradReq();
        this.gradReq = differentiable ? req : GradReq.NULL;
        this.lrMult = spec.lrMult() == null ? 1.0 : spec.lrMult();
        this.wdMult = spec.wdMult() == null ? 1.0 : spec.wdMult();
    }

    // ---- attributes ----------------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    /** The shape, with {@link Shape#UNKNOWN} for dimensions not known yet; {@code null} if never given. */
    public Shape shape() {
        return shape;
    }

    /**
     * Gives a (fuller) shape: unknown dimensions are filled from {@code s}, and a conflict with a known dimension
     * fails naming both shapes. An initialised parameter's shape cannot change.
     */
    public synchronized void setShape(Shape s) {
        shape = Shapes.merge(name, shape, s);
    }

    public DType dtype() {
        return dtype;
    }

    /** The parameter's own initialiser, or {@code null} to use the one given to {@code initialize}. */
    public Initializer init() {
        return init;
    }

    public void setInit(Initializer initializer) {
        this.init = initializer;
        this.var = null;
    }

    public boolean allowDeferredInit() {
        return allowDeferredInit;
    }

    void allowDeferredInit(boolean allow) {
        allowDeferredInit = allow;
    }

    public boolean differentiable() {
        return differentiable;
    }

    public GradReq gradReq() {
        return gradReq;
    }

    /**
     * Sets the gradient request. A non-differentiable parameter stays at null. Switching to null drops the gradient
     * buffers; switching back allocates zeroed ones.
     */
    public synchronized void setGradReq(GradReq req) {
        Objects.requireNonNull(req, "gradReq");
        GradReq effective = differentiable ? req : GradReq.NULL;
        if (effective == gradReq) {
            return;
        }
        gradReq = effective;
        if (data != null) {
            data = attachGradients(detachAll(data));
        }
    }

    public double lrMult() {
        return lrMult;
    }

    public void setLrMult(double m) {
        lrMult = m;
    }

    public double wdMult() {
        return wdMult;
    }

    public void setWdMult(double m) {
        wdMult = m;
    }

    // ---- initialisation ------------------------------------------------------------------------------------

    /** True once the data exists. */
    public boolean isInitialized() {
        return data != null;
    }

    /** True while {@code initialize} has run but the data waits for the shape to become known. */
    public boolean isDeferred() {
        return data == null && deferred != null;
    }

    /** Initialises on the CPU with {@code globalInit} unless the parameter has its own initialiser. */
    public void initialize(Initializer globalInit) {
        initialize(globalInit, List.of(Device.cpu()), false, false);
    }

    /**
     * Initialises the data on each of {@code devices}: the parameter's own initialiser if it has one, else
     * {@code globalInit} by the parameter's role (its name's suffix: {@code bias} and {@code beta} zero,
     * {@code gamma} one, running statistics zero and one, anything else {@code globalInit}'s weight rule). An
     * initialised parameter is left as is (with a warning) unless {@code forceReinit}. With an incomplete shape the
     * initialisation is deferred if allowed, else it fails naming the parameter and its shape.
     */
    public synchronized void initialize(Initializer globalInit, List<Device> devices, boolean verbose,
                                        boolean forceReinit) {
        Objects.requireNonNull(globalInit, "globalInit");
        if (devices == null || devices.isEmpty()) {
            throw new KilnException("Parameter '" + name + "': initialize needs at least one device");
        }
        if (data != null && !forceReinit) {
            LOG.log(Level.WARNING, "Parameter '" + name + "' is already initialized, ignoring. Set forceReinit to "
                    + "re-initialize.");
            return;
        }
        data = null;
        deferred = new Deferred(globalInit, List.copyOf(devices), null, verbose);
        if (Shapes.isComplete(shape)) {
            finishDeferredInit();
            return;
        }
        if (!allowDeferredInit) {
            deferred = null;
            throw new KilnException("Cannot initialize Parameter '" + name + "' because it has invalid shape: "
                    + Shapes.text(shape) + "; give every dimension, or allow deferred initialization");
        }
        deferredReason = "its shape " + Shapes.text(shape) + " has unknown dimensions";
    }

    /**
     * Materialises a deferred parameter now that its shape is complete (called by shape inference and file
     * loading); does nothing if nothing is deferred. Runs with autograd paused. Threads whose first forwards race
     * here initialise it once: the others find it done.
     */
    public synchronized void finishDeferredInit() {
        if (deferred == null || data != null) {
            return;
        }
        if (!Shapes.isComplete(shape)) {
            throw new DeferredInitializationException("Cannot initialize Parameter '" + name + "' because it has "
                    + "invalid shape: " + Shapes.text(shape) + ". Please specify in_units, in_channels, etc. for "
                    + "blocks, or pass a batch through the network first");
        }
        Deferred d = deferred;
        try (Autograd.Scope ignored = Autograd.pause()) {
            NDArray value = d.value();
            if (value == null) {
                value = NDArray.zeros(shape, dtype, Device.cpu());
                initializeValues(d.globalInit(), value);
                if (d.verbose()) {
                    LOG.log(Level.INFO, () -> "Initialized " + name + " " + Shapes.text(shape) + " with "
                            + (init != null ? init : d.globalInit()).dumps());
                }
            }
            placeOn(value, d.devices());
        }
        deferred = null;
        deferredReason = null;
    }

    /** Fills {@code target} by the parameter's own initialiser, or the global one by role. */
    protected void initializeValues(Initializer globalInit, NDArray target) {
        globalInit.initialize(new InitDesc(name, Map.of(), init), target);
    }

    /** Notes why a deferred parameter is still waiting (for the error raised when it is read). */
    synchronized void noteDeferredReason(String reason) {
        if (isDeferred()) {
            deferredReason = reason;
        }
    }

    /** Copies {@code value} (cast to this dtype) onto each device and attaches gradients per {@code gradReq}. */
    private void placeOn(NDArray value, List<Device> targets) {
        List<NDArray> copies = new ArrayList<>(targets.size());
        for (Device dev : targets) {
            NDArray copy = NDArray.zeros(shape, dtype, dev);
            value.copyTo(copy);
            copies.add(copy);
        }
        devices = List.copyOf(targets);
        data = attachGradients(copies);
    }

    private List<NDArray> attachGradients(List<NDArray> arrays) {
        if (gradReq != GradReq.NULL) {
            for (NDArray a : arrays) {
                a.attachGrad(gradReq);
            }
        }
        return List.copyOf(arrays);
    }

    private static List<NDArray> detachAll(List<NDArray> arrays) {
        List<NDArray> out = new ArrayList<>(arrays.size());
        for (NDArray a : arrays) {
            out.add(a.detach());
        }
        return out;
    }

    // ---- data and gradients --------------------------------------------------------------------------------

    /** The data on its only device, or on the CPU when initialised on several devices including the CPU. */
    public NDArray data() {
        return data(defaultDevice());
    }

    /** The data on {@code device}. */
    public NDArray data(Device device) {
        return listData().get(indexOf(device));
    }

    /**
     * The data on every device, in the order given to {@code initialize}. Refused while a block is traced: a
     * value read there would be frozen into the graph ({@link NodeOrigins#refuseWhileTracing}).
     */
    public List<NDArray> listData() {
        if (NodeOrigins.active()) {
            NodeOrigins.refuseWhileTracing("Parameter '" + name + "'.data", FrozenValueException.Reads.PARAMETER);
        }
        List<NDArray> d = data;
        if (d == null) {
            checkInitialized();
            d = data;
        }
        return d; // immutable (attachGradients), so every call can share it
    }

    /** The gradient on its only device (see {@link #data()}); fails when {@code gradReq} is null. */
    public NDArray grad() {
        return grad(defaultDevice());
    }

    public NDArray grad(Device device) {
        return listGrad().get(indexOf(device));
    }

    /** The gradient on every device. */
    public List<NDArray> listGrad() {
        checkInitialized();
        if (gradReq == GradReq.NULL) {
            throw new KilnException("Cannot get gradient array for Parameter '" + name + "' because gradReq is null");
        }
        List<NDArray> out = new ArrayList<>(data.size());
        for (NDArray a : data) {
            out.add(a.grad());
        }
        return out;
    }

    /** The devices the data lives on (or will, for a deferred parameter). */
    public List<Device> devices() {
        if (data == null && deferred != null) {
            return deferred.devices();
        }
        checkInitialized();
        return devices;
    }

    /** Sets every gradient to zero (nothing to do when {@code gradReq} is null or not initialised). */
    public void zeroGrad() {
        if (data == null || gradReq == GradReq.NULL) {
            return;
        }
        for (NDArray a : data) {
            a.grad().fill(0);
        }
    }

    /**
     * Sets the data on every device to {@code value} (cast to this dtype); the shape must agree with the
     * parameter's. On a deferred parameter the value is kept and becomes the data when it is materialised.
     */
    public synchronized void setData(NDArray value) {
        setShape(value.shape());
        if (data == null) {
            if (deferred == null) {
                throw new KilnException("Parameter '" + name + "' has not been initialized; call initialize() "
                        + "before setData");
            }
            deferred = new Deferred(deferred.globalInit(), deferred.devices(), value, deferred.verbose());
            if (Shapes.isComplete(shape)) {
                finishDeferredInit();
            }
            return;
        }
        for (NDArray a : data) {
            value.copyTo(a);
        }
    }

    /** Initialises (if needed) and sets the data from a loaded array; used by {@link ParameterDict} loading. */
    synchronized void loadData(NDArray value, List<Device> targets) {
        setShape(value.shape());
        if (data != null) {
            setData(value);
            return;
        }
        List<Device> on = deferred != null ? deferred.devices() : targets;
        deferred = null;
        deferredReason = null;
        try (Autograd.Scope ignored = Autograd.pause()) {
            placeOn(value, on);
        }
    }

    /**
     * Converts the data and gradients to {@code target} (or only records the dtype if not initialised yet);
     * gradients are re-attached zeroed.
     */
    public synchronized void cast(DType target) {
        dtype = Objects.requireNonNull(target, "dtype");
        var = null;
        if (data == null) {
            return;
        }
        try (Autograd.Scope ignored = Autograd.pause()) {
            List<NDArray> converted = new ArrayList<>(data.size());
            for (NDArray a : data) {
                converted.add(a.astype(target).detach());
            }
            data = attachGradients(converted);
        }
    }

    /** Moves the data to {@code targets} (the average of the current copies), or re-targets a deferred one. */
    public synchronized void resetDevice(List<Device> targets) {
        if (targets == null || targets.isEmpty()) {
            throw new KilnException("Parameter '" + name + "': resetDevice needs at least one device");
        }
        if (data == null && deferred != null) {
            deferred = new Deferred(deferred.globalInit(), List.copyOf(targets), deferred.value(), deferred.verbose());
            return;
        }
        NDArray value = reduce();
        try (Autograd.Scope ignored = Autograd.pause()) {
            placeOn(value, targets);
        }
    }

    /** The data as one CPU array: the mean of the per-device copies (what saving writes). */
    public NDArray reduce() {
        checkInitialized();
        try (Autograd.Scope ignored = Autograd.pause()) {
            NDArray sum = data.get(0).copyTo(Device.cpu()).detach();
            if (data.size() == 1) {
                return sum;
            }
            for (int i = 1; i < data.size(); i++) {
                sum.addInPlace(data.get(i).copyTo(Device.cpu()));
            }
            return sum.mulInPlace(1.0 / data.size());
        }
    }

    /**
     * This parameter as a symbolic variable (Gluon's {@code var()}): its name with {@code __shape__},
     * {@code __dtype__}, {@code __lr_mult__}, {@code __wd_mult__}, {@code __storage_type__} and, with an own
     * initialiser, {@code __init__}. Created once and kept, as in Gluon (under the lock, so blocks traced on several
     * threads at once share one variable).
     */
    public synchronized Symbol var() {
        if (var == null) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            if (shape != null) {
                attrs.put("shape", shape);
            }
            attrs.put("dtype", dtype);
            attrs.put("lr_mult", lrMult);
            attrs.put("wd_mult", wdMult);
            if (init != null) {
                attrs.put("init", init.dumps());
            }
            attrs.put("stype", "default");
            var = Symbol.var(name, attrs);
        }
        return var;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private void checkInitialized() {
        if (data != null) {
            return;
        }
        if (deferred != null) {
            throw new DeferredInitializationException("Parameter '" + name + "' has not been initialized yet because "
                    + "initialization was deferred: " + deferredReason + ". It is initialized by the first forward "
                    + "pass that uses it, or by loading it from a file; pass one batch of data through the network "
                    + "before reading it, or give its full shape (in_units, in_channels, ...) to avoid deferring");
        }
        throw new KilnException("Parameter '" + name + "' has not been initialized; call initialize() on it, on its "
                + "ParameterDict, or on its block (a block's collectParams() includes its children's parameters)");
    }

    private Device defaultDevice() {
        List<Device> on = devices();
        if (on.size() == 1) {
            return on.get(0);
        }
        if (on.contains(Device.cpu())) {
            return Device.cpu();
        }
        throw new KilnException("Parameter '" + name + "' lives on several devices " + on + "; name the device");
    }

    private int indexOf(Device device) {
        int i = devices().indexOf(device);
        if (i < 0) {
            throw new KilnException("Parameter '" + name + "' was not initialized on " + device
                    + "; it was only initialized on " + devices());
        }
        return i;
    }

    /** Gluon's repr: {@code Parameter dense0_weight (shape=(10, 0), dtype=float32)}. */
    @Override
    public String toString() {
        return kind() + " " + name + " (shape=" + Shapes.text(shape) + ", dtype=" + dtype.mxnetName() + ")";
    }

    /** The word {@link #toString} starts with. */
    protected String kind() {
        return "Parameter";
    }
}
