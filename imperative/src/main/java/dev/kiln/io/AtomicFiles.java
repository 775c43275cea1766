package dev.kiln.io;

import dev.kiln.KilnException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers, and the file left after a crash or a kill at any moment, hold either the old
 * contents or the complete new ones. The bytes go to a temporary file in the target's directory, which is synced to
 * disk, renamed over the target in one atomic step, and then the directory is synced so that the rename itself
 * survives a power loss (where the platform can sync a directory).
 *
 * <p>Temporary files are named {@code .<target name>.<pid>.<random>.kiln-tmp}. A process killed mid-save leaves
 * its temporary file behind; the next save to the same target removes every such file whose process is no longer
 * running (files of live processes, possibly saving the same target right now, are left alone). The temporary file
 * is created with the default permissions of a new file, so the target ends up as readable as any file the process
 * writes.
 */
public final class AtomicFiles {
    /** The suffix of every temporary file. */
    public static final String TEMP_SUFFIX = ".kiln-tmp";

    /** Writes the contents to a stream; may throw {@link IOException}. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code target} atomically with what {@code writer} produces; failures are {@link KilnException}s. */
    public static void write(Path target, Writer writer) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = null;
        try {
            try {
                removeStaleTemporaries(absolute);
            } catch (IOException ignored) {
                // cleaning up after earlier crashes is best effort; the save itself reports its own failures
            }
            tmp = dir.resolve(tempPrefix(absolute) + ProcessHandle.current().pid() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + TEMP_SUFFIX);
            try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(file), 1 << 16)) {
                writer.writeTo(out);
                out.flush();
                file.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new KilnException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    /**
     * Removes the temporary files that saves of {@code target} by processes no longer running left behind; returns
     * how many it removed.
     */
    public static int removeStaleTemporaries(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        String prefix = tempPrefix(absolute);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(absolute.getParent(),
                p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(TEMP_SUFFIX))) {
            for (Path p : files) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dot = rest.indexOf('.');
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, Math.max(dot, 0)));
                } catch (NumberFormatException e) {
                    continue;
                }
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static String tempPrefix(Path absolute) {
        return "." + absolute.getFileName() + ".";
    }

    /** Makes a completed rename durable; a platform that cannot open or sync a directory (Windows) is skipped. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the rename is atomic either way; only its durability across a power loss depends on this sync
        }
    }
}
