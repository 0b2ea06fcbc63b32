package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cryosphere.core.util.AtomicOutput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Updates of run.json after the run started: one key replaced, the file rewritten beside and renamed onto it. */
final class RunJson {
    private RunJson() {}

    /**
     * Sets {@code executor_gpus}: executor id → the GPU address(es) its training threads were pinned to in the newest
     * Spark epoch (replaced when the assignment changes, e.g. after a lost executor or on resume on another cluster).
     */
    static void putExecutorGpus(RunLayout layout, Map<String, String> gpus) {
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path file = layout.runJson();
            ObjectNode root = Files.exists(file) ? (ObjectNode) json.readTree(file.toFile()) : json.createObjectNode();
            ObjectNode node = root.putObject("executor_gpus");
            gpus.forEach(node::put);
            Path tmp = AtomicOutput.siblingTempFile(file);
            Files.writeString(tmp, json.writeValueAsString(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
