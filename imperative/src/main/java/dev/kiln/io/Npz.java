package dev.kiln.io;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz} format: a zip archive of {@code .npy} entries, one per key ({@code weight.npy} holds key
 * {@code weight}), stored or deflated. Maps keep the archive's order. Entry names that would escape the archive
 * (absolute, {@code ..}, backslashes) are rejected, and decompression is bounded: an entry may not inflate beyond its
 * declared size, nor claim more than deflate can produce from its compressed bytes.
 */
public final class Npz {
    /** Deflate cannot expand data by more than about 1032:1; a larger declared ratio marks a damaged entry. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private Npz() {
    }

    /**
     * Reads every array of an {@code .npz} file, keyed by entry name without {@code .npy}, in archive order, within
     * the {@linkplain #defaultMaxBytes() default limit} on the bytes the entries decompress to.
     */
    public static Map<String, NDArray> read(Path file) {
        return read(file, defaultMaxBytes());
    }

    /**
     * The default bound on the total decompressed bytes of an archive's entries: a quarter of the heap, since reading
     * an entry holds its bytes and the array made from them. A larger archive needs an explicit
     * {@link #read(Path, long)}.
     */
    public static long defaultMaxBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * Reads every array of an {@code .npz} file, as {@link #read(Path)}, refusing (before decompressing anything) an
     * archive whose entries declare more than {@code maxBytes} decompressed bytes in all. Each entry must decompress
     * to exactly its declared size, so the bound holds for what is actually inflated too.
     */
    public static Map<String, NDArray> read(Path file, long maxBytes) {
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (IOException e) {
            throw new KilnException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            checkTotalSize(zip, file, maxBytes);
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                String source = file + " entry '" + name + "'";
                String key = keyOf(name, source);
                if (out.containsKey(key)) {
                    throw Npy.fail(source, "key '" + key + "' appears twice");
                }
                long size = e.getSize();
                long compressed = e.getCompressedSize();
                if (compressed > fileSize) {
                    throw Npy.fail(source, "declares " + compressed + " compressed bytes in a " + fileSize
                            + "-byte file");
                }
                if (size >= 0 && compressed >= 0 && size > compressed * MAX_DEFLATE_RATIO + 65536) {
                    throw Npy.fail(source, "declares " + size + " bytes from " + compressed
                            + " compressed bytes, more than deflate can produce");
                }
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                    out.put(key, Npy.decode(in, size, false, source));
                }
            }
        } catch (KilnException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FileFormatException("cannot read " + file + ": not a readable .npz (zip) archive: "
                    + e.getMessage(), e);
        }
        return Collections.unmodifiableMap(out);
    }

    private static void checkTotalSize(ZipFile zip, Path file, long maxBytes) {
        long total = 0;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            long size = e.getSize();
            if (size < 0) {
                throw Npy.fail(file + " entry '" + e.getName() + "'", "the archive does not declare its size");
            }
            total += size;
            if (total > maxBytes || total < 0) {
                throw Npy.fail(file.toString(), "its entries decompress to more than " + maxBytes
                        + " bytes (the limit; a quarter of the heap unless given to Npz.read(Path, long))");
            }
        }
    }

    /** Writes the arrays as a stored (uncompressed) {@code .npz}, like {@code numpy.savez}. */
    public static void write(Path file, Map<String, NDArray> arrays) {
        write(file, arrays, false);
    }

    /**
     * Writes the arrays as an {@code .npz}, deflated like {@code numpy.savez_compressed} when {@code compressed},
     * atomically (a temporary file renamed into place).
     */
    public static void write(Path file, Map<String, NDArray> arrays, boolean compressed) {
        for (String key : arrays.keySet()) {
            String problem = entryNameProblem(key + ".npy");
            if (problem != null) {
                throw new KilnException("bad .npz entry name in key '" + key + "' for " + file + ": " + problem);
            }
            if (arrays.get(key) == null) {
                throw new KilnException("cannot write " + file + ": array for key '" + key + "' is null");
            }
        }
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NDArray> a : arrays.entrySet()) {
                ZipEntry e = new ZipEntry(a.getKey() + ".npy");
                if (compressed) {
                    e.setMethod(ZipEntry.DEFLATED);
                } else {
                    e.setMethod(ZipEntry.STORED);
                    long size = Npy.encodedLength(a.getValue());
                    e.setSize(size);
                    e.setCompressedSize(size);
                    e.setCrc(crcOf(a.getValue()));
                }
                zip.putNextEntry(e);
                Npy.writeTo(zip, a.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static long crcOf(NDArray array) throws IOException {
        CRC32 crc = new CRC32();
        try (CheckedOutputStream sink = new CheckedOutputStream(OutputStream.nullOutputStream(), crc)) {
            Npy.writeTo(sink, array);
        }
        return crc.getValue();
    }

    /** The key of an entry name read from an archive, after checking that the name stays inside the archive. */
    private static String keyOf(String name, String source) {
        String problem = entryNameProblem(name);
        if (problem != null) {
            throw new FileFormatException("bad .npz entry name in " + source + ": " + problem);
        }
        return name.substring(0, name.length() - 4);
    }

    /** What is wrong with an entry name ({@code <key>.npy}, staying inside the archive), or null. */
    private static String entryNameProblem(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':')) {
            return "absolute paths, backslashes and drive letters are not allowed";
        }
        for (String part : name.split("/", -1)) {
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                return "'" + name + "' has an empty, '.' or '..' path element";
            }
        }
        if (!name.endsWith(".npy") || name.length() == 4) {
            return "'" + name + "' is not a <key>.npy entry";
        }
        return null;
    }
}
