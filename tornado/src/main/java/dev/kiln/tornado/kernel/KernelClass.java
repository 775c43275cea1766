package dev.kiln.tornado.kernel;

/** STAND-IN (not committed): K1 owns this package. */
public record KernelClass(String binaryName, byte[] bytes, String methodName, String descriptor) {
    public String listing() {
        return binaryName + "." + methodName + descriptor;
    }
}
