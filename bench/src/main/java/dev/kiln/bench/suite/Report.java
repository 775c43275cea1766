package dev.kiln.bench.suite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The model suite's output: a Markdown table of the model rows and one of the GEMM rows, and the JSON form of
 * {@code kiln bench --json} (an array with one object per row; model rows carry {@code model}, {@code pass},
 * {@code batch}, {@code threads}, the four times in ms, {@code kiln_tornado_ms} (null without TornadoVM), the two planned-memory byte counts and the two step-allocation
 * byte counts, null where not measured; GEMM rows
 * carry {@code m}, {@code n}, {@code k}, {@code threads}, {@code gflops} and {@code peak_gflops}).
 */
public final class Report {
    private Report() {
    }

    /**
     * The model table: times in ms, speed-up = eager / hybridized, memory as planned / eager, and the heap one
     * training step allocates, eager / hybridized.
     */
    public static String markdown(List<ModelRow> rows, List<GemmRow> gemms) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | pass | batch | threads | Kiln eager ms | Kiln hybridized ms | speed-up "
                + "| Kiln planned / eager memory | Kiln step alloc eager / hybridized | MXNet imperative ms | MXNet CachedOp ms | CachedOp / Kiln hybridized "
                + "| Kiln TornadoVM ms | note |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ModelRow r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s |%n",
                    r.model(), r.pass(), r.batch(), r.threads(), ms(r.kilnEagerMs()), ms(r.kilnHybridMs()),
                    ratio(r.speedUp()), bytes(r.kilnPlannedBytes()), bytes(r.kilnEagerBytes()),
                    stepAlloc(r.kilnEagerStepAllocBytes(), r.kilnHybridStepAllocBytes()),
                    ms(r.mxnetImperativeMs()), ms(r.mxnetCachedOpMs()), ratio(r.mxnetCachedOpMs() / r.kilnHybridMs()),
                    r.tornadoPresent() ? ms(r.kilnTornadoMs()) : TornadoColumn.ABSENT, r.note().isEmpty() ? "" : r.note()));
        }
        if (!gemms.isEmpty()) {
            sb.append("\n| GEMM M x N x K | threads | GFLOP/s | measured FMA peak GFLOP/s | of peak |\n");
            sb.append("|---|---:|---:|---:|---:|\n");
            for (GemmRow g : gemms) {
                sb.append(String.format(Locale.ROOT, "| %dx%dx%d%s | %d | %.1f | %.1f | %.0f%% |%n", g.m(), g.n(),
                        g.k(), g.transposeB() ? ":NT" : ":NN", g.threads(), g.gflops(), g.peakGflops(),
                        100 * g.gflops() / g.peakGflops()));
            }
        }
        return sb.toString();
    }

    /** Writes every row as a JSON array of objects. */
    public static void json(List<ModelRow> rows, List<GemmRow> gemms, Writer out) {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartArray();
            for (ModelRow r : rows) {
                g.writeStartObject();
                g.writeStringField("model", r.model());
                g.writeStringField("pass", r.pass());
                g.writeNumberField("batch", r.batch());
                g.writeNumberField("threads", r.threads());
                number(g, "kiln_eager_ms", r.kilnEagerMs());
                number(g, "kiln_hybrid_ms", r.kilnHybridMs());
                number(g, "mxnet_imperative_ms", r.mxnetImperativeMs());
                number(g, "mxnet_cachedop_ms", r.mxnetCachedOpMs());
                number(g, "kiln_tornado_ms", r.kilnTornadoMs());
                bytesField(g, "kiln_planned_bytes", r.kilnPlannedBytes());
                bytesField(g, "kiln_eager_bytes", r.kilnEagerBytes());
                bytesField(g, "kiln_eager_step_alloc_bytes", r.kilnEagerStepAllocBytes());
                bytesField(g, "kiln_hybrid_step_alloc_bytes", r.kilnHybridStepAllocBytes());
                if (!r.note().isEmpty()) {
                    g.writeStringField("note", r.note());
                }
                g.writeEndObject();
            }
            for (GemmRow r : gemms) {
                g.writeStartObject();
                g.writeNumberField("m", r.m());
                g.writeNumberField("n", r.n());
                g.writeNumberField("k", r.k());
                g.writeBooleanField("transpose_b", r.transposeB());
                g.writeNumberField("threads", r.threads());
                number(g, "gflops", r.gflops());
                number(g, "peak_gflops", r.peakGflops());
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the benchmark JSON", e);
        }
    }

    /**
     * Reads what {@link #json} wrote back, one map per row in file order (numbers as Long or Double, null as null),
     * for comparing runs; fails on anything but a flat array of flat objects.
     */
    public static List<Map<String, Object>> readJson(Reader in) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(in)) {
            expect(p, p.nextToken() == JsonToken.START_ARRAY, "an array");
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(p, t == JsonToken.START_OBJECT, "an object per row");
                Map<String, Object> row = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    row.put(name, switch (v) {
                        case VALUE_NUMBER_INT -> p.getLongValue();
                        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                        case VALUE_STRING -> p.getText();
                        case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                        case VALUE_NULL -> null;
                        default -> throw new IllegalArgumentException("benchmark JSON: field '" + name
                                + "' is " + v + " at " + p.currentLocation() + "; expected a number, string, "
                                + "boolean or null");
                    });
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the benchmark JSON", e);
        }
        return rows;
    }

    private static void expect(JsonParser p, boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("benchmark JSON: expected " + what + " at " + p.currentLocation());
        }
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, Math.round(v * 1000) / 1000.0);
        } else {
            g.writeNullField(name);
        }
    }

    private static void bytesField(JsonGenerator g, String name, long v) throws IOException {
        if (v >= 0) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    private static String ms(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.3f" : v < 100 ? "%.2f" : "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2fx", v) : "n/a";
    }

    private static String stepAlloc(long eager, long hybrid) {
        return eager < 0 && hybrid < 0 ? "n/a" : bytes(eager) + " / " + bytes(hybrid);
    }

    private static String bytes(long b) {
        if (b < 0) {
            return "n/a";
        }
        if (b < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
    }
}
