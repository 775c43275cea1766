package dev.kiln.bench.suite;

/**
 * One measured row of the model table. Times are medians in milliseconds; {@code NaN} where a column could not be
 * measured ({@code note} says why). {@code kilnPlannedBytes} is what the compiled graph's memory plan allocates per
 * run; {@code kilnEagerBytes} is the plan's unplanned figure: every op output in a buffer of its own, as an eager
 * pass allocates them. {@code kilnEagerStepAllocBytes} and {@code kilnHybridStepAllocBytes} are the heap bytes one
 * step allocates, all threads together ({@link StepAllocation}), for forward+backward rows; {@code -1} where not
 * measured (forward rows). {@code tornadoPresent} says whether TornadoVM was in the JVM; {@code kilnTornadoMs} is
 * Kiln hybridized on the {@code tornado} backend ({@code NaN} when absent or failed).
 */
public record ModelRow(String model, String pass, int batch, int threads, double kilnEagerMs, double kilnHybridMs,
                       double mxnetImperativeMs, double mxnetCachedOpMs, long kilnPlannedBytes, long kilnEagerBytes,
                       long kilnEagerStepAllocBytes, long kilnHybridStepAllocBytes, boolean tornadoPresent,
                       double kilnTornadoMs, String note) {
    /** A row measured without TornadoVM in the JVM. */
    public ModelRow(String model, String pass, int batch, int threads, double kilnEagerMs, double kilnHybridMs,
                    double mxnetImperativeMs, double mxnetCachedOpMs, long kilnPlannedBytes, long kilnEagerBytes,
                    long kilnEagerStepAllocBytes, long kilnHybridStepAllocBytes, String note) {
        this(model, pass, batch, threads, kilnEagerMs, kilnHybridMs, mxnetImperativeMs, mxnetCachedOpMs,
                kilnPlannedBytes, kilnEagerBytes, kilnEagerStepAllocBytes, kilnHybridStepAllocBytes, false, Double.NaN,
                note);
    }

    /** Kiln eager over Kiln hybridized. */
    public double speedUp() {
        return kilnEagerMs / kilnHybridMs;
    }
}
