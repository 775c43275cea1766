package dev.kiln.bench.suite;

import java.util.List;

/**
 * The rows of one run of the model suite, and which MXNet they were compared with: {@code mxnetVersion} is
 * MXNet's version number ({@code MXGetVersion}: 10900 for the 1.9.1 jar), or 0 when MXNet could not be loaded, and then {@code mxnetMissing}
 * says why and the MXNet columns are empty.
 */
public record SuiteResult(List<ModelRow> rows, List<GemmRow> gemms, int threads, int mxnetVersion,
                          String mxnetMissing) {
    public SuiteResult {
        rows = List.copyOf(rows);
        gemms = List.copyOf(gemms);
    }

    /** Whether the MXNet columns were measured. */
    public boolean mxnetLoaded() {
        return mxnetVersion > 0;
    }

    /** One line naming the thread count and the MXNet the rows were compared with. */
    public String summary() {
        return "Kiln " + threads + " thread(s); MXNet " + (mxnetLoaded()
                ? mxnetVersion / 10000 + "." + mxnetVersion / 100 % 100 + " with "
                + threads + " OpenMP thread(s), NaiveEngine, operator tuning off"
                : "n/a: " + mxnetMissing);
    }
}
