package dev.kiln.ndarray;

import dev.kiln.KilnException;

/**
 * Where an array lives, as a value: {@code cpu(0)} or {@code gpu(i)}. Arrays carry it; ops refuse to mix devices.
 * The device type codes are MXNet's ({@code Context::Save}: cpu 1, gpu 2, cpu_pinned 3, cpu_shared 5).
 */
public record Device(Kind kind, int id) {

    /** Device families, with MXNet's {@code dev_type} codes. */
    public enum Kind {
        CPU(1), GPU(2), CPU_PINNED(3), CPU_SHARED(5);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new KilnException("unknown MXNet device type code " + code);
        }
    }

    private static final Device CPU0 = new Device(Kind.CPU, 0);

    public Device {
        if (kind == null) {
            throw new KilnException("device kind must not be null");
        }
        if (id < 0) {
            throw new KilnException("device id must be >= 0, got " + id);
        }
    }

    /** The CPU, {@code cpu(0)}. */
    public static Device cpu() {
        return CPU0;
    }

    /** GPU number {@code i}. */
    public static Device gpu(int i) {
        return new Device(Kind.GPU, i);
    }

    /** Parses {@code cpu(0)}, {@code gpu(1)}, {@code cpu}, {@code gpu}. */
    public static Device parse(String text) {
        String t = text.trim();
        int open = t.indexOf('(');
        String kind = open < 0 ? t : t.substring(0, open);
        int id = 0;
        if (open >= 0) {
            if (!t.endsWith(")")) {
                throw new KilnException("bad device '" + text + "', expected e.g. cpu(0) or gpu(1)");
            }
            try {
                id = Integer.parseInt(t.substring(open + 1, t.length() - 1).trim());
            } catch (NumberFormatException e) {
                throw new KilnException("bad device '" + text + "', expected e.g. cpu(0) or gpu(1)");
            }
        }
        return switch (kind) {
            case "cpu" -> new Device(Kind.CPU, id);
            case "gpu" -> new Device(Kind.GPU, id);
            case "cpu_pinned" -> new Device(Kind.CPU_PINNED, id);
            case "cpu_shared" -> new Device(Kind.CPU_SHARED, id);
            default -> throw new KilnException("bad device '" + text + "', expected e.g. cpu(0) or gpu(1)");
        };
    }

    public boolean isGpu() {
        return kind == Kind.GPU;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + id + ")";
    }
}
