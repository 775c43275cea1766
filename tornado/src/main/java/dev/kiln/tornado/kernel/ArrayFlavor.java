package dev.kiln.tornado.kernel;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * How generated kernels hold and access their arrays: Java's {@code float[]}/{@code int[]} ({@link #HEAP}, what the
 * suite's plain-Java emulation runs) or TornadoVM's off-heap {@code FloatArray}/{@code IntArray} with their
 * {@code get}/{@code set} methods ({@link #TORNADO_NATIVE}), which TornadoVM's compiler intrinsifies.
 */
public enum ArrayFlavor {
    HEAP("[F", "[I"),
    TORNADO_NATIVE("Luk/ac/manchester/tornado/api/types/arrays/FloatArray;",
            "Luk/ac/manchester/tornado/api/types/arrays/IntArray;");

    private final String floatArray;
    private final String intArray;

    ArrayFlavor(String floatArray, String intArray) {
        this.floatArray = floatArray;
        this.intArray = intArray;
    }

    /** The descriptor of a float32 array parameter. */
    public String floatArrayDescriptor() {
        return floatArray;
    }

    /** The descriptor of an int32 array parameter. */
    public String intArrayDescriptor() {
        return intArray;
    }

    /** Emits the load of an element, the stack holding the array and the index. */
    void load(MethodVisitor mv, boolean isFloat) {
        if (this == HEAP) {
            mv.visitInsn(isFloat ? Opcodes.FALOAD : Opcodes.IALOAD);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, internalName(isFloat), "get", isFloat ? "(I)F" : "(I)I", false);
        }
    }

    /** Emits the store of an element, the stack holding the array, the index and the value. */
    void store(MethodVisitor mv, boolean isFloat) {
        if (this == HEAP) {
            mv.visitInsn(isFloat ? Opcodes.FASTORE : Opcodes.IASTORE);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, internalName(isFloat), "set", isFloat ? "(IF)V" : "(II)V",
                    false);
        }
    }

    private String internalName(boolean isFloat) {
        String d = isFloat ? floatArray : intArray;
        return d.substring(1, d.length() - 1);
    }
}
