package dev.kiln.conformance;

/** An error MXNet reported through its C API, carrying {@code MXGetLastError()} without the native stack trace. */
final class MXNetException extends RuntimeException {
    private final String mxnetMessage;

    MXNetException(String call, String lastError) {
        super(call + " failed in MXNet: " + trimStackTrace(lastError));
        this.mxnetMessage = trimStackTrace(lastError);
    }

    /** MXNet's own message, as {@code MXGetLastError()} returned it minus the backtrace. */
    String mxnetMessage() {
        return mxnetMessage;
    }

    private static String trimStackTrace(String message) {
        if (message == null) {
            return "(no message)";
        }
        int cut = message.indexOf("Stack trace");
        return (cut >= 0 ? message.substring(0, cut) : message).strip();
    }
}
