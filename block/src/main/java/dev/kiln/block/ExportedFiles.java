package dev.kiln.block;

import java.nio.file.Path;

/**
 * The files {@link HybridBlock#export} wrote.
 *
 * @param symbolFile   {@code prefix-symbol.json}: the graph in MXNet 1.x symbol JSON
 * @param paramsFile   {@code prefix-%04d.params}: the parameters, keys {@code arg:<name>} and {@code aux:<name>}
 * @param metadataFile {@code prefix-metadata.json}: the input and output structure
 * @param metadata     what the metadata file holds
 */
public record ExportedFiles(Path symbolFile, Path paramsFile, Path metadataFile, ExportMetadata metadata) {
}
