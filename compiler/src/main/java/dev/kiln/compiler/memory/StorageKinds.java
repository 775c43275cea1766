package dev.kiln.compiler.memory;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Storage;

import java.util.EnumMap;
import java.util.Map;

/** The Java array type behind each dtype ({@link Storage}): values share a buffer only if these are the same. */
final class StorageKinds {
    private static final Map<DType, Class<?>> KINDS = new EnumMap<>(DType.class);

    static {
        for (DType t : DType.values()) {
            KINDS.put(t, Storage.allocate(t, 0).getClass());
        }
    }

    private StorageKinds() {
    }

    static Class<?> of(DType t) {
        return KINDS.get(t);
    }
}
