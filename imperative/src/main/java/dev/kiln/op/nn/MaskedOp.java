package dev.kiln.op.nn;

import dev.kiln.op.AttrSpec;

import java.util.List;

/**
 * An op that multiplies floating data by a random mask it draws (Dropout, DropBlock): one visible output, and a
 * hidden second output holding the mask, so the gradient is {@code out_grad * mask}, the forward's own draw.
 */
abstract class MaskedOp extends HiddenOutputOp {

    MaskedOp(String name, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, List.of("data"), attrs, "mask", aliases);
    }
}
