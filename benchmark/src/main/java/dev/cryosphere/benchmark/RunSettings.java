package dev.cryosphere.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.RunLayout;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The training settings that tell entries apart, as the run resolved them (RUN/run.json and RUN/config.json), not as
 * the spec wrote them: a preset or a train config file may set any of them.
 */
record RunSettings(String preset, int segments, int latentDim, int batchSize, long seed) {
    static RunSettings read(Path run) throws IOException {
        RunLayout layout = new RunLayout(run);
        ModelConfig c = layout.readConfig();
        JsonNode json = new ObjectMapper().readTree(layout.runJson().toFile());
        int k = c.parts().stream().mapToInt(ModelConfig.Part::segments).sum();
        return new RunSettings(json.path("preset").asText(""), k, c.latentDim(), c.batchSize(), c.seed());
    }
}
