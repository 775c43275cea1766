package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads arrays into parameters keyed by name (full names for a {@link ParameterDict}, structural paths for a
 * block) in two phases: match keys to parameters and check every shape and
 * dtype, reporting all problems in one error; only then write the data, so a failed load changes nothing.
 */
public final class ParameterLoading {
    private ParameterLoading() {
    }

    /** One array bound for one parameter, cast as the options say. */
    private record Assignment(Parameter parameter, NDArray value, boolean adoptDtype) {
    }

    /**
     * Loads {@code arrays} into {@code targets} (key to parameter) per {@code o}; {@code source} names the arrays'
     * origin in errors. Nothing is written unless every key, shape and dtype check passes.
     */
    public static void load(Map<String, Parameter> targets, Map<String, NDArray> arrays, LoadOptions o,
                            String source) {
        Map<String, NDArray> byName = matchKeys(arrays, o, source);
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        if (!o.allowMissing()) {
            for (String name : targets.keySet()) {
                if (!byName.containsKey(name)) {
                    missing.add(name);
                }
            }
        }
        for (String name : byName.keySet()) {
            if (!targets.containsKey(name) && !o.ignoreExtra()) {
                extra.add(name);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw keyMismatch(targets.keySet(), byName, missing, extra, source);
        }
        List<Assignment> plan = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : byName.entrySet()) {
            Parameter target = targets.get(e.getKey());
            if (target != null) {
                Assignment a = check(target, e.getValue(), o, problems);
                if (a != null) {
                    plan.add(a);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new KilnException("Cannot load " + source + ": " + String.join("; ", problems));
        }
        List<Device> devices = o.devices() == null ? List.of(Device.cpu()) : o.devices();
        try (Autograd.Scope ignored = Autograd.pause()) {
            for (Assignment a : plan) {
                if (a.adoptDtype()) {
                    a.parameter().cast(a.value().dtype());
                }
                a.parameter().loadData(a.value(), devices);
            }
        }
    }

    /** File key to parameter name: strip {@code arg:}/{@code aux:}, map, prefix; duplicates after mapping fail. */
    private static Map<String, NDArray> matchKeys(Map<String, NDArray> arrays, LoadOptions o, String source) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("arg:") || key.startsWith("aux:")) {
                key = key.substring(4);
            }
            String mapped = o.keyMapping().apply(key);
            if (mapped == null) {
                continue;
            }
            String name = o.restorePrefix() + mapped;
            if (out.put(name, e.getValue()) != null) {
                throw new KilnException("Cannot load " + source + ": two keys map to parameter '" + name + "'");
            }
        }
        return out;
    }

    private static Assignment check(Parameter p, NDArray value, LoadOptions o, List<String> problems) {
        Shape expected = p.shape();
        if (expected != null && expected.isRankKnown()) {
            try {
                Shapes.merge(p.name(), expected, value.shape());
            } catch (KilnException e) {
                problems.add("Parameter '" + p.name() + "' has shape " + Shapes.text(expected) + " but the saved array "
                        + "has shape " + Shapes.text(value.shape()));
                return null;
            }
        }
        if (value.dtype() == p.dtype()) {
            return new Assignment(p, value, false);
        }
        if (!o.castDtype()) {
            problems.add("Parameter '" + p.name() + "' has dtype " + p.dtype() + " but the saved array has dtype "
                    + value.dtype() + " (set castDtype to cast)");
            return null;
        }
        return o.dtypeSource() == LoadOptions.DtypeSource.SAVED ? new Assignment(p, value, true)
                : new Assignment(p, value.astype(p.dtype()), false);
    }

    private static KilnException keyMismatch(java.util.Set<String> names, Map<String, NDArray> byName,
                                             List<String> missing,
                                             List<String> extra, String source) {
        StringBuilder msg = new StringBuilder("Cannot load ").append(source).append(" into the parameters");
        if (!missing.isEmpty()) {
            msg.append("; missing from it (").append(missing.size()).append("): ").append(missing)
                    .append(" (set allowMissing to leave them as they are)");
        }
        if (!extra.isEmpty()) {
            msg.append("; in it but matching no parameter (").append(extra.size()).append("): ").append(extra)
                    .append(" (set ignoreExtra to skip them)");
        }
        msg.append(". It holds ").append(brief(byName.keySet())).append("; the parameters are ")
                .append(brief(names)).append(". If the models are named differently, give a restorePrefix or "
                        + "a keyMapping");
        return new KilnException(msg.toString());
    }

    /** At most 20 names, then a count of the rest. */
    private static String brief(java.util.Collection<String> names) {
        List<String> list = new ArrayList<>(names);
        if (list.size() <= 20) {
            return list.toString();
        }
        return list.subList(0, 20) + " and " + (list.size() - 20) + " more";
    }
}
