package dev.cryosphere.trainer.doctor;

import dev.cryosphere.core.util.EnvironmentException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ClusterChecksTest {
    @Test
    void waitsForTheExecutorsAskedForOrForTheirNumberToSettle() {
        AtomicInteger calls = new AtomicInteger();
        // executors register one after another: 0, 1, 2, 2, ...
        assertEquals(2, ClusterChecks.awaitExecutors(() -> Math.min(2, calls.incrementAndGet() - 1), 2, "spark://m:7077", 5000, 60_000));
        calls.set(0);
        assertEquals(2, ClusterChecks.awaitExecutors(() -> Math.min(2, calls.incrementAndGet() - 1), 0, "spark://m:7077", 5000, 300));
    }

    @Test
    void noExecutorInTimeIsAFailedEnvironmentWithTheFix() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> ClusterChecks.awaitExecutors(() -> 0, 0, "spark://m:7077", 300, 100));
        assertTrue(e.getMessage().startsWith("no executor registered with spark://m:7077 in 0 s; fix: check the master URL"), e.getMessage());
    }

    @Test
    void anExecutorsLineNamesItsProblem() {
        var r = new ClusterChecks.ExecutorReport("3", "node7", List.of(Finding.ok("backend", "CUDA (nd4j-cuda-11.6 1.0.0-M2.1, BLAS CUBLAS)"),
                Finding.problem("gpu", "gpu 5", "GPU address 5 is device 5, but ND4J sees 4 device(s)", "list only usable GPUs")));
        assertFalse(r.ok());
        assertEquals("executor 3 (node7): FAILED; CUDA (nd4j-cuda-11.6 1.0.0-M2.1, BLAS CUBLAS); gpu 5", r.line());
    }
}
