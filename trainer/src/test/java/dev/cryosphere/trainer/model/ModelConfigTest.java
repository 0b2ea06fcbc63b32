package dev.cryosphere.trainer.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelConfigTest {
    @Test
    void defaultsAreTheReferences() {
        ModelConfig c = ModelConfig.defaults(64, 2.0, 503, 20);
        assertEquals(8, c.latentDim());
        assertEquals(List.of(512, 256, 64, 64), c.encoderHidden());
        assertEquals(List.of(512, 512), c.decoderHidden());
        assertEquals(0.05, c.tau());
        assertEquals(3e-5, c.lrNetworks());
        assertEquals(3e-4, c.lrSegmentation());
        assertEquals(128, c.batchSize());
        ModelConfig.GmmValues g = c.startValues();
        double bound = 503.0 / 20;
        assertEquals(bound / 2, g.meansMeans()[0], 1e-12);
        assertEquals(bound / 2 + 19 * bound, g.meansMeans()[19], 1e-12);
        assertEquals(bound, g.stdsMeans()[3], 1e-12);
        assertEquals(10, g.meansStds()[5]);
        assertEquals(1, g.proportionsStds()[0]);
        assertEquals(g, c.priorValues());
    }

    @Test
    void jsonRoundTrip() {
        ModelConfig c = ModelConfig.defaults(32, 3.0, 100, 4)
                .withParts(List.of(new ModelConfig.Part(0, 40, 2, 0), new ModelConfig.Part(50, 50, 2, 10)));
        ModelConfig back = ModelConfig.fromJson(c.toJson());
        assertEquals(c, back);
        assertArrayEquals(c.startValues().meansMeans(), back.startValues().meansMeans());
    }

    @Test
    void aScheduleSavedBeforeTheWarmUpExistedReadsWithoutOne() {
        ModelConfig c = ModelConfig.defaults(32, 3.0, 100, 4);
        String json = c.toJson().replaceFirst("\"lrSchedule\"\\s*:\\s*null", "\"lrSchedule\" : {\"milestones\" : [ 15.0, 25.0 ], "
                + "\"decay\" : 0.1, \"networks\" : false, \"segmentation\" : true}");
        ModelConfig.LrSchedule s = ModelConfig.fromJson(json).lrSchedule();
        assertEquals(new ModelConfig.LrSchedule(List.of(15.0, 25.0), 0.1, false, true), s);
        assertEquals(0.0, s.warmup());
        assertEquals(1.0, s.factor(0), "no ramp: the full rate from the start");
    }

    @Test
    void schedules() {
        assertEquals(0.0, ModelConfig.Schedule.linear().value(0, 300));
        assertEquals(0.5, ModelConfig.Schedule.linear().value(75, 300), 1e-12);
        assertEquals(1.0, ModelConfig.Schedule.linear().value(200, 300));
        ModelConfig.Schedule cyc = ModelConfig.Schedule.cyclical(5, 0.5);
        // period 60 epochs: ramps over the first 30, then 1
        assertEquals(0.0, cyc.value(60, 300), 1e-12);
        assertEquals(0.5, cyc.value(15, 300), 1e-12);
        assertEquals(1.0, cyc.value(45, 300), 1e-12);
        assertEquals(0.1, ModelConfig.Schedule.constant(0.1).value(7, 300));
    }
}
