package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.init.Initializer;
import dev.kiln.init.Uniform;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An ordered set of parameters keyed by full name (Gluon's {@code ParameterDict}). {@link #get} puts the dict's
 * prefix before the name and creates the parameter or returns the existing one (also from a shared dict),
 * checking that the attributes given agree; the dict initialises, zeroes, selects, saves and loads its parameters
 * as a group.
 */
public final class ParameterDict implements Iterable<Parameter> {
    private final String prefix;
    private ParameterDict shared;
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    /** An empty dict with no prefix. */
    public ParameterDict() {
        this("", null);
    }

    public ParameterDict(String prefix) {
        this(prefix, null);
    }

    /**
     * A dict whose {@code get} first looks in {@code shared}, so two blocks built with the same shared dict use the
     * same parameters (Gluon's {@code params=} argument).
     */
    public ParameterDict(String prefix, ParameterDict shared) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.shared = shared;
    }

    /** The prefix {@link #get} puts before names, e.g. {@code dense0_}. */
    public String prefix() {
        return prefix;
    }

    /** The dict {@link #get} falls back to, or {@code null}. */
    public ParameterDict shared() {
        return shared;
    }

    // ---- lookup and creation -------------------------------------------------------------------------------

    /** The parameter {@code prefix + name}, created with default attributes if absent. */
    public Parameter get(String name) {
        return get(name, ParameterSpec.of());
    }

    /**
     * The parameter {@code prefix + name}: the existing one (from this dict or the shared one) after checking that
     * each attribute given in {@code spec} agrees with it (a shape merges, filling unknown dimensions), or a new one
     * with these attributes.
     */
    public Parameter get(String name, ParameterSpec spec) {
        String full = prefix + name;
        Parameter p = lookup(full);
        if (p == null) {
            p = new Parameter(full, spec);
            params.put(full, p);
            return p;
        }
        agree(p, spec);
        return p;
    }

    /** The existing constant {@code prefix + name}; fails if there is none. */
    public Constant getConstant(String name) {
        return getConstant(name, null);
    }

    /**
     * The constant {@code prefix + name}, created with {@code value} if absent; an existing one must be a constant
     * with the same value when a value is given.
     */
    public Constant getConstant(String name, NDArray value) {
        String full = prefix + name;
        Parameter p = lookup(full);
        if (p == null) {
            if (value == null) {
                throw new KilnException("No constant named '" + full + "'. Give a value to create a new constant");
            }
            Constant c = new Constant(full, value);
            params.put(full, c);
            return c;
        }
        if (!(p instanceof Constant c)) {
            throw new KilnException("Parameter '" + full + "' already exists but it is not a constant");
        }
        if (value != null && !(c.value().shape().equals(value.shape())
                && Arrays.equals(c.value().toDoubleArray(), value.toDoubleArray()))) {
            throw new KilnException("Constant '" + full + "' already exists with a different value (shape "
                    + Shapes.text(c.shape()) + ")");
        }
        return c;
    }

    /** The parameter with full name {@code fullName}; fails listing the names there are. */
    public Parameter parameter(String fullName) {
        Parameter p = params.get(fullName);
        if (p == null) {
            throw new KilnException("No parameter named '" + fullName + "'; this dict has " + params.keySet());
        }
        return p;
    }

    public boolean contains(String fullName) {
        return params.containsKey(fullName);
    }

    /** Full names, in insertion order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(params.keySet());
    }

    public List<Parameter> values() {
        return List.copyOf(params.values());
    }

    /** A read-only view, full name to parameter, in insertion order. */
    public Map<String, Parameter> asMap() {
        return Collections.unmodifiableMap(params);
    }

    public int size() {
        return params.size();
    }

    public boolean isEmpty() {
        return params.isEmpty();
    }

    @Override
    public Iterator<Parameter> iterator() {
        return values().iterator();
    }

    private Parameter lookup(String full) {
        Parameter p = params.get(full);
        if (p == null && shared != null) {
            p = shared.params.get(full);
            if (p != null) {
                params.put(full, p);
            }
        }
        return p;
    }

    private static void agree(Parameter p, ParameterSpec spec) {
        if (spec.shape() != null) {
            try {
                p.setShape(spec.shape());
            } catch (KilnException e) {
                throw mismatch(p, "shape", Shapes.text(spec.shape()), Shapes.text(p.shape()));
            }
        }
        check(p, "dtype", spec.dtype(), p.dtype());
        check(p, "differentiable", spec.differentiable(), p.differentiable());
        check(p, "gradReq", spec.gradReq(), p.gradReq());
        check(p, "lrMult", spec.lrMult(), p.lrMult());
        check(p, "wdMult", spec.wdMult(), p.wdMult());
        if (spec.init() != null) {
            if (p.init() == null) {
                p.setInit(spec.init());
            } else {
                check(p, "init", spec.init().dumps(), p.init().dumps());
            }
        }
        if (Boolean.TRUE.equals(spec.allowDeferredInit())) {
            p.allowDeferredInit(true);
        }
    }

    private static void check(Parameter p, String attr, Object desired, Object stored) {
        if (desired != null && !desired.equals(stored)) {
            throw mismatch(p, attr, desired, stored);
        }
    }

    private static KilnException mismatch(Parameter p, String attr, Object desired, Object stored) {
        return new KilnException("Cannot retrieve Parameter '" + p.name() + "' because desired attribute does not "
                + "match with stored for attribute '" + attr + "': desired '" + desired + "' vs stored '" + stored
                + "'");
    }

    // ---- group operations ----------------------------------------------------------------------------------

    /**
     * Adds every parameter of {@code other}; a name already used by a different parameter object fails.
     */
    public void update(ParameterDict other) {
        for (Parameter p : other.params.values()) {
            requireSameOrAbsent(p);
        }
        params.putAll(other.params);
    }

    /**
     * Adds an existing parameter under its full name (a no-op if it is already there); a different parameter
     * with the same name fails.
     */
    public void put(Parameter p) {
        requireSameOrAbsent(p);
        params.put(p.name(), p);
    }

    private void requireSameOrAbsent(Parameter p) {
        Parameter mine = params.get(p.name());
        if (mine != null && mine != p) {
            throw new KilnException("Cannot update self with other because they have different Parameters with "
                    + "the same name '" + p.name() + "'");
        }
    }

    /** Initialises every parameter with Gluon's default, {@code Uniform(0.07)}, on the CPU. */
    public void initialize() {
        initialize(new Uniform());
    }

    public void initialize(Initializer init) {
        initialize(init, List.of(Device.cpu()), false, false);
    }

    public void initialize(Initializer init, Device device) {
        initialize(init, List.of(device), false, false);
    }

    /**
     * Initialises every parameter on {@code devices}: each parameter's own initialiser wins over {@code init};
     * parameters with incomplete shapes are deferred (see {@link Parameter#initialize}); already initialised ones
     * are kept unless {@code forceReinit}; {@code verbose} logs each initialisation.
     */
    public void initialize(Initializer init, List<Device> devices, boolean verbose, boolean forceReinit) {
        for (Parameter p : params.values()) {
            p.initialize(init, devices, verbose, forceReinit);
        }
    }

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        for (Parameter p : params.values()) {
            p.zeroGrad();
        }
    }

    /** Moves every parameter to {@code devices}. */
    public void resetDevice(List<Device> devices) {
        for (Parameter p : params.values()) {
            p.resetDevice(devices);
        }
    }

    /**
     * Sets one attribute on every parameter (Gluon's {@code setattr}): {@code grad_req} (a GradReq or its name),
     * {@code lr_mult}, {@code wd_mult}, {@code dtype} (casts) or {@code init}; camelCase names work too.
     */
    public void setattr(String attribute, Object value) {
        for (Parameter p : params.values()) {
            switch (attribute) {
                case "grad_req", "gradReq" -> p.setGradReq(value instanceof GradReq g ? g : GradReq.of(value.toString()));
                case "lr_mult", "lrMult" -> p.setLrMult(((Number) value).doubleValue());
                case "wd_mult", "wdMult" -> p.setWdMult(((Number) value).doubleValue());
                case "dtype" -> p.cast(value instanceof DType t ? t : DType.fromName(value.toString()));
                case "init" -> p.setInit(value instanceof Initializer i ? i : Initializer.create(value.toString()));
                default -> throw new KilnException("setattr: unknown parameter attribute '" + attribute + "'; use "
                        + "grad_req, lr_mult, wd_mult, dtype or init");
            }
        }
    }

    /** The parameters whose full name matches {@code regex} at its start (Python's {@code re.match}), same prefix. */
    public ParameterDict select(String regex) {
        Pattern pattern = Pattern.compile(regex);
        ParameterDict out = new ParameterDict(prefix);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (pattern.matcher(e.getKey()).lookingAt()) {
                out.params.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Makes this dict use {@code other}'s parameter objects wherever the names agree after each dict's prefix
     * ({@code model1_dense0_weight} shares {@code model0_dense0_weight}), and look in {@code other} for parameters
     * created later. Shapes must be compatible. Returns this dict.
     */
    public ParameterDict share(ParameterDict other) {
        for (Map.Entry<String, Parameter> e : new ArrayList<>(params.entrySet())) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            Parameter theirs = other.params.get(other.prefix + e.getKey().substring(prefix.length()));
            if (theirs != null && theirs != e.getValue()) {
                Shape mine = e.getValue().shape();
                if (mine != null) {
                    Shapes.merge(theirs.name(), theirs.shape(), mine);
                }
                params.put(e.getKey(), theirs);
            }
        }
        shared = other;
        return this;
    }

    // ---- files ---------------------------------------------------------------------------------------------

    /** Saves every parameter to an MXNet NDArray dict file keyed by full name (see {@link #save(Path, String)}). */
    public void save(Path file) {
        save(file, "");
    }

    /**
     * Saves every parameter's data (averaged over devices, on the CPU) to an MXNet {@code .params} dict file,
     * keyed by full name with {@code stripPrefix} removed; written atomically.
     */
    public void save(Path file, String stripPrefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Parameter p : params.values()) {
            if (!p.name().startsWith(stripPrefix)) {
                throw new KilnException("Prefix '" + stripPrefix + "' is to be stripped before saving, but Parameter '"
                        + p.name() + "' does not start with it");
            }
            out.put(p.name().substring(stripPrefix.length()), p.reduce());
        }
        NDArrayFile.save(file, out);
    }

    /** Loads a {@code .params} file with Gluon's default (strict) options. */
    public void load(Path file) {
        load(file, LoadOptions.defaults());
    }

    /** Loads a {@code .params} file (see {@link #loadDict}). */
    public void load(Path file, LoadOptions options) {
        ParameterLoading.load(params, NDArrayFile.loadDict(file), options, "file '" + file + "'");
    }

    /**
     * Loads arrays into the parameters, in place: {@code arg:}/{@code aux:} is stripped from keys, keys are mapped
     * and prefixed per {@code options}, shapes must be compatible (a deferred parameter takes the file's shape and
     * is materialised), dtypes must match unless cast. Every missing and unexpected key is reported in one error,
     * and nothing is changed when any check fails.
     */
    public void loadDict(Map<String, NDArray> arrays, LoadOptions options) {
        ParameterLoading.load(params, arrays, options, "the given arrays");
    }

    /** Gluon's layout: the prefix, then one parameter per line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(prefix.isEmpty() ? "" : prefix + " ").append("(\n");
        for (Parameter p : params.values()) {
            sb.append("  ").append(p).append('\n');
        }
        return sb.append(')').toString();
    }
}
