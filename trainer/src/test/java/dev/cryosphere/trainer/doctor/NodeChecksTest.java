package dev.cryosphere.trainer.doctor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NodeChecksTest {
    @Test
    void onThisCpuMachineEveryCheckPassesAndOneStepTrains() {
        List<Finding> findings = NodeChecks.run();
        findings.forEach(f -> System.out.println(f.line()));
        assertEquals(List.of("backend", "versions", "devices", "threads", "memory", "step"),
                findings.stream().map(Finding::check).toList(), "no gpu line outside a Spark task");
        for (Finding f : findings) assertTrue(f.ok(), f.check() + ": " + f.result() + " / " + f.problem());
        assertTrue(findings.get(0).result().startsWith("CPU (nd4j-native 1.0.0-M2.1, BLAS "), findings.get(0).result());
        assertTrue(findings.get(1).result().contains("Spark 3.5.9") && findings.get(1).result().contains("DL4J 1.0.0-M2.1")
                && findings.get(1).result().contains("Hadoop 3.3.6"), findings.get(1).result());
        assertTrue(findings.get(4).result().startsWith("JavaCPP maxbytes "), findings.get(4).result());
        assertTrue(findings.get(5).result().matches("one step of a tiny model: loss [0-9.e+-]+ in .*"), findings.get(5).result());
    }

    @Test
    void theCudaBuildWithoutAGpuSaysSoInOneLine() {
        Finding f = NodeChecks.backendFailure(true, new RuntimeException("org.nd4j.linalg.factory.Nd4jBackend$NoAvailableBackendException: "
                + "Please ensure that you have an nd4j backend on your classpath", new UnsatisfiedLinkError("no jnicudart in java.library.path")));
        assertFalse(f.ok());
        String line = f.errorLine();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith("error: backend: this is the CUDA build (-Pcuda) and it found no usable GPU"), line);
        assertTrue(line.contains("fix: run it on a GPU node") && line.contains("CPU build"), line);
        assertTrue(f.result().contains("UnsatisfiedLinkError: no jnicudart"), f.result());
    }

    @Test
    void twoBackendsOrNoneAreProblems() {
        assertTrue(NodeChecks.backend(true, true).errorLine().contains("fix: build with one backend"));
        assertFalse(NodeChecks.backend(false, false).ok());
    }
}
