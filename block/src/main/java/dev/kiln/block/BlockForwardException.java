package dev.kiln.block;

import dev.kiln.KilnException;

/**
 * An error raised while a block computed its forward, prefixed with the structural path of the innermost block it
 * happened in ({@code net0.features.3 (Conv2D)}); the original error is the cause.
 */
public class BlockForwardException extends KilnException {
    private final String blockPath;

    public BlockForwardException(String blockPath, String blockClass, Throwable cause) {
        super("in block '" + blockPath + "' (" + blockClass + "): " + cause.getMessage(), cause);
        this.blockPath = blockPath;
    }

    /** The structural path of the block the error happened in. */
    public String blockPath() {
        return blockPath;
    }
}
