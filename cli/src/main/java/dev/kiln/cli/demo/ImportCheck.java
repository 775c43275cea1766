package dev.kiln.cli.demo;

import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.SymbolBlock;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * The demo's round trip check: imports an export with {@code SymbolBlock.imports}, hybridizes it (as
 * {@code kiln predict} does), and requires its predictions on a batch to agree with the trained net's.
 */
final class ImportCheck {
    /** How far an imported model's scores may be from the trained net's: both run the same graph and weights. */
    static final double TOLERANCE = 1e-4;

    /** The trained net's and the imported model's predictions, and how closely they agree. */
    record Result(NDArray trained, NDArray imported, Agreement agreement) {
    }

    private ImportCheck() {
    }

    /**
     * Runs {@code trained} and the model imported from {@code files} on {@code batch}; throws, with the largest
     * difference and the number of samples whose class differs, unless every score agrees within
     * {@link #TOLERANCE} and every sample gets the same class.
     */
    static Result run(HybridBlock trained, ExportedFiles files, NDArray batch) {
        NDArray expected = trained.call(batch);
        SymbolBlock imported = SymbolBlock.imports(files.symbolFile(), List.of("data"), files.paramsFile());
        imported.hybridize();
        NDArray actual = imported.call(batch);
        Agreement agreement = Agreement.of(expected, actual)
                .require(TOLERANCE, "the model imported from " + files.symbolFile() + " and the trained net");
        return new Result(expected, actual, agreement);
    }
}
