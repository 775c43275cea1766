package dev.kiln.autograd;

/** Thrown by {@link GradientChecker#verify} when a gradient disagrees with central differences; carries the report. */
public final class GradientCheckFailure extends AssertionError {
    private final transient GradientReport report;

    GradientCheckFailure(GradientReport report) {
        super(report.toString());
        this.report = report;
    }

    public GradientReport report() {
        return report;
    }
}
