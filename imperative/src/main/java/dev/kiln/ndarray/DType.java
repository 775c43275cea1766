package dev.kiln.ndarray;

import dev.kiln.KilnException;

import java.util.Locale;

/**
 * Element types of an {@link NDArray}, with MXNet's type flags (mshadow {@code TypeFlag}) so that
 * {@code .params} files and symbol JSON round-trip. float32 is the default, as in MXNet.
 */
public enum DType {
    FLOAT32("float32", 0, 4, true),
    FLOAT64("float64", 1, 8, true),
    FLOAT16("float16", 2, 2, true),
    UINT8("uint8", 3, 1, false),
    INT32("int32", 4, 4, false),
    INT8("int8", 5, 1, false),
    INT64("int64", 6, 8, false),
    BOOL("bool", 7, 1, false),
    BFLOAT16("bfloat16", 12, 2, true);

    private final String mxnetName;
    private final int flag;
    private final int byteSize;
    private final boolean floating;

    DType(String mxnetName, int flag, int byteSize, boolean floating) {
        this.mxnetName = mxnetName;
        this.flag = flag;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** The name MXNet and NumPy use, e.g. {@code float32}. */
    public String mxnetName() {
        return mxnetName;
    }

    /** MXNet's numeric type flag as written in {@code .params} files and {@code __dtype__} attributes. */
    public int flag() {
        return flag;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for float16, bfloat16, float32 and float64. */
    public boolean isFloating() {
        return floating;
    }

    /** True for every integer type and bool. */
    public boolean isIntegral() {
        return !floating;
    }

    /** Looks up a dtype by MXNet's type flag. */
    public static DType fromFlag(int flag) {
        for (DType t : values()) {
            if (t.flag == flag) {
                return t;
            }
        }
        throw new KilnException("unsupported MXNet dtype flag " + flag
                + " (Kiln supports float32=0, float64=1, float16=2, uint8=3, int32=4, int8=5, int64=6, bool=7, bfloat16=12)");
    }

    /** Looks up a dtype by name ({@code float32}, {@code float}, {@code int64}, {@code bool}, ...). */
    public static DType fromName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "float", "float32", "f4", "<f4" -> { return FLOAT32; }
            case "double", "float64", "f8", "<f8" -> { return FLOAT64; }
            case "half", "float16", "f2", "<f2" -> { return FLOAT16; }
            case "bfloat16", "bf16" -> { return BFLOAT16; }
            case "uint8", "u1", "|u1" -> { return UINT8; }
            case "int8", "i1", "|i1" -> { return INT8; }
            case "int32", "int", "i4", "<i4" -> { return INT32; }
            case "int64", "long", "i8", "<i8" -> { return INT64; }
            case "bool", "bool_", "?", "|b1" -> { return BOOL; }
            default -> throw new KilnException("unknown dtype '" + name
                    + "'; expected one of float32, float64, float16, bfloat16, uint8, int8, int32, int64, bool");
        }
    }

    @Override
    public String toString() {
        return mxnetName;
    }
}
