package dev.kiln.cli;

import dev.kiln.KilnException;
import dev.kiln.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a DOT graph to a file, and renders it as SVG beside it with Graphviz's {@code dot -Tsvg} where that
 * executable can be started; where it cannot, says so instead of failing, since the DOT file is the product.
 */
record GraphvizOutput(String executable) {

    void write(String dotText, Path target, PrintWriter out) {
        if (target.toString().equals("-")) {
            out.print(dotText);
            out.flush();
            return;
        }
        byte[] bytes = dotText.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(target, o -> o.write(bytes));
        out.println("wrote " + target);
        Path svg = svgBeside(target);
        Process p;
        try {
            p = new ProcessBuilder(executable, "-Tsvg").start();
        } catch (IOException e) {
            out.println("SVG not written: Graphviz ('" + executable + "') is not installed or not on PATH");
            return;
        }
        byte[] rendered = render(p, bytes, svg);
        AtomicFiles.write(svg, o -> o.write(rendered));
        out.println("wrote " + svg);
    }

    /** {@code x.dot} or {@code x.gv} gives {@code x.svg}; any other name gets {@code .svg} appended. */
    static Path svgBeside(Path dotFile) {
        String name = dotFile.getFileName().toString();
        String stem = name.endsWith(".dot") || name.endsWith(".gv") ? name.substring(0, name.lastIndexOf('.')) : name;
        return dotFile.resolveSibling(stem + ".svg");
    }

    private byte[] render(Process p, byte[] dotBytes, Path svg) {
        try {
            CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<byte[]> rendered = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (var in = p.getOutputStream()) {
                in.write(dotBytes);
            }
            int status = p.waitFor();
            if (status != 0) {
                String message = new String(errors.join(), StandardCharsets.UTF_8).strip();
                throw new KilnException("cannot render " + svg + ": " + executable + " -Tsvg exited with status "
                        + status + (message.isEmpty() ? "" : ": " + message));
            }
            return rendered.join();
        } catch (IOException e) {
            throw new KilnException("cannot render " + svg + " with " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KilnException("interrupted while rendering " + svg, e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new KilnException("cannot read Graphviz's output: " + e.getMessage(), e);
        }
    }
}
