package dev.kiln.graph;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Validation and normalisation shared by the graph records. */
final class GraphChecks {
    private GraphChecks() {
    }

    static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("graph nodes need a non-empty name");
        }
    }

    /** An unmodifiable copy sorted by key, as MXNet writes attributes, so equal annotations compare equal. */
    static Map<String, String> sortedCopy(Map<String, String> attrs) {
        if (attrs == null || attrs.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new TreeMap<>(attrs));
    }
}
