package dev.kiln.symbol;

/**
 * Where a traced node came from: the structural path of the block whose {@code hybridForward} was running and the
 * line of code, outside Kiln's op plumbing, that applied the op. Errors about the node name both, so a failure found
 * when the graph runs points back to the line that built it.
 *
 * @param blockPath  the block's structural path ({@code net0.features.1}), or {@code null} outside any block
 * @param className  the class of the call site ({@code com.acme.MyLayer}), or {@code null} if none was found
 * @param methodName the method of the call site ({@code hybridForward})
 * @param fileName   the source file, or {@code null} where the class has no debug information
 * @param lineNumber the line, or a negative number where unknown
 */
public record NodeOrigin(String blockPath, String className, String methodName, String fileName, int lineNumber) {

    /** The call site as a stack trace prints it: {@code com.acme.MyLayer.hybridForward(MyLayer.java:42)}. */
    public String callSite() {
        if (className == null) {
            return "an unknown call site";
        }
        String where = fileName == null ? "Unknown Source" : lineNumber >= 0 ? fileName + ":" + lineNumber : fileName;
        return className + "." + methodName + "(" + where + ")";
    }

    /** How messages name it: {@code block 'net0.dense1' at com.acme.Net.hybridForward(Net.java:31)}. */
    public String describe() {
        return (blockPath == null ? "" : "block '" + blockPath + "' at ") + callSite();
    }

    /** {@code net0.features.1 at com.acme.MyLayer.hybridForward(MyLayer.java:42)}. */
    @Override
    public String toString() {
        return (blockPath == null ? "" : blockPath + " at ") + callSite();
    }
}
