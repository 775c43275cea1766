package dev.kiln.bench.suite;

/**
 * One measured row of the model table. Times are medians in milliseconds; {@code NaN} where a column could not be
 * measured ({@code note} says why). {@code kilnPlannedBytes} is what the compiled graph's memory plan allocates per
 * run; {@code kilnEagerBytes} is the plan's unplanned figure: every op output in a buffer of its own, as an eager
 * pass allocates them. {@code kilnEagerStepAllocBytes} and {@code kilnHybridStepAllocBytes} are the heap bytes one
 * step allocates, all threads together ({@link StepAllocation}), for forward+backward rows; {@code -1} where not
 * measured (forward rows).
 */
public record ModelRow(String model, String pass, int batch, int threads, double kilnEagerMs, double kilnHybridMs,
                       double mxnetImperativeMs, double mxnetCachedOpMs, long kilnPlannedBytes, long kilnEagerBytes,
                       long kilnEagerStepAllocBytes, long kilnHybridStepAllocBytes, String note) {
    /** Kiln eager over Kiln hybridized. */
    public double speedUp() {
        return kilnEagerMs / kilnHybridMs;
    }
}
