package dev.kiln.parameter;

import dev.kiln.ndarray.Device;

import java.util.List;
import java.util.function.Function;

/**
 * How {@link ParameterDict#load} matches a file to parameters (Gluon's {@code load} keywords). Immutable; build
 * with {@code LoadOptions.defaults().allowMissing(true).castDtype(DtypeSource.SAVED)}.
 *
 * @param devices       where parameters not yet initialised are placed (default: their deferred devices, else
 *                      the CPU)
 * @param allowMissing  parameters absent from the file are left as they are instead of failing
 * @param ignoreExtra   keys matching no parameter are skipped instead of failing
 * @param restorePrefix put before every key (after {@code arg:}/{@code aux:} is stripped and keys are mapped)
 * @param castDtype     whether a dtype difference is resolved instead of failing
 * @param dtypeSource   with {@code castDtype}: cast the data to the parameter's dtype ({@code CURRENT}) or give
 *                      the parameter the file's dtype ({@code SAVED})
 * @param keyMapping    maps each key (without {@code arg:}/{@code aux:}) to a parameter name, for files from
 *                      differently named models; returning {@code null} skips the key
 */
public record LoadOptions(List<Device> devices, boolean allowMissing, boolean ignoreExtra, String restorePrefix,
                          boolean castDtype, DtypeSource dtypeSource, Function<String, String> keyMapping) {

    /** Which side's dtype wins when {@code castDtype} is on. */
    public enum DtypeSource { CURRENT, SAVED }

    private static final LoadOptions DEFAULTS = new LoadOptions(null, false, false, "", false, DtypeSource.CURRENT,
            Function.identity());

    /** Gluon's defaults: strict about missing and extra keys and dtypes, no prefix, keys as they are. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    public LoadOptions devices(List<Device> d) {
        return new LoadOptions(List.copyOf(d), allowMissing, ignoreExtra, restorePrefix, castDtype, dtypeSource,
                keyMapping);
    }

    public LoadOptions allowMissing(boolean allow) {
        return new LoadOptions(devices, allow, ignoreExtra, restorePrefix, castDtype, dtypeSource, keyMapping);
    }

    public LoadOptions ignoreExtra(boolean ignore) {
        return new LoadOptions(devices, allowMissing, ignore, restorePrefix, castDtype, dtypeSource, keyMapping);
    }

    public LoadOptions restorePrefix(String prefix) {
        return new LoadOptions(devices, allowMissing, ignoreExtra, prefix, castDtype, dtypeSource, keyMapping);
    }

    /** Turns on dtype casting with {@code source} deciding the resulting dtype. */
    public LoadOptions castDtype(DtypeSource source) {
        return new LoadOptions(devices, allowMissing, ignoreExtra, restorePrefix, true, source, keyMapping);
    }

    public LoadOptions keyMapping(Function<String, String> mapping) {
        return new LoadOptions(devices, allowMissing, ignoreExtra, restorePrefix, castDtype, dtypeSource, mapping);
    }
}
