package dev.kiln.metric;

/** One reported metric: its display name and its value ({@code NaN} when nothing has been measured yet). */
public record MetricValue(String name, double value) {
    @Override
    public String toString() {
        return name + "=" + value;
    }
}
