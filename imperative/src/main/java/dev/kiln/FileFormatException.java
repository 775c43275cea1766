package dev.kiln;

/**
 * A file's bytes are not a valid file of the format being read: damaged, truncated, hostile (sizes beyond the file
 * or the reader's limits, paths leaving an archive), of a newer format version, or using a feature Kiln does not
 * read. Every Kiln reader ({@code .params}, {@code .npy}, {@code .npz}, symbol JSON, export metadata,
 * trainer-state files, dataset files) raises this and only this for what is wrong with the bytes; the message names
 * the file (or source), the record, key, node or field, and the problem. A file that cannot be opened at all is a
 * plain {@link KilnException} with the {@code IOException} as its cause; a well-formed file that does not fit what
 * it is loaded into (other parameter names or shapes) is a plain {@link KilnException} too.
 */
public class FileFormatException extends KilnException {
    public FileFormatException(String message) {
        super(message);
    }

    public FileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
