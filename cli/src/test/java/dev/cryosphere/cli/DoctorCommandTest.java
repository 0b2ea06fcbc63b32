package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DoctorCommandTest {
    @Test
    void checksThisMachineAndExitsZero() {
        Cli c = Cli.run("doctor");
        assertEquals(0, c.exitCode(), c.out() + c.err());
        for (String check : List.of("backend", "versions", "devices", "threads", "memory", "step"))
            assertTrue(c.out().contains("doctor: " + check), check + " missing:\n" + c.out());
        assertTrue(c.out().contains("doctor: backend   CPU"), c.out());
        assertTrue(c.out().strip().endsWith("doctor: ok"), c.out());
    }

    @Test
    void withAMasterEveryExecutorReportsOneLine() {
        Cli c = Cli.run("doctor", "--master", "local[2]");
        assertEquals(0, c.exitCode(), c.out() + c.err());
        List<String> executors = c.out().lines().filter(l -> l.startsWith("doctor: executor ")).toList();
        // local mode: the driver is the only executor
        assertEquals(1, executors.size(), c.out());
        String line = executors.get(0);
        assertTrue(line.startsWith("doctor: executor driver (") && line.contains("): ok; CPU"), line);
        assertTrue(line.contains("gpu: none assigned") || line.contains("none assigned to this task"), line);
        assertTrue(line.contains("one step of a tiny model: loss"), line);
    }

    @Test
    void aPropertiesFileGivesTheMasterAndTheSettings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path props = java.nio.file.Files.writeString(dir.resolve("local.conf"),
                "# as deploy/conf/*.conf\nspark.master    local[1]\nspark.ui.enabled  false\nnot.spark  ignored\n");
        Cli c = Cli.run("doctor", "--properties-file", props.toString(), "--conf", "spark.task.cpus=1");
        assertEquals(0, c.exitCode(), c.out() + c.err());
        assertEquals(1, c.out().lines().filter(l -> l.startsWith("doctor: executor driver (")).count(), c.out());
    }
}
