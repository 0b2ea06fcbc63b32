package dev.cryosphere.trainer.gpu;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GpuPinningTest {
    /** A CUDA-like backend with {@code count} devices that records the devices set. */
    static class FakeGpus implements Devices {
        final int count;
        final List<Integer> used = new ArrayList<>();
        int current;

        FakeGpus(int count) { this.count = count; }

        @Override public String backend() { return "CUDA"; }
        @Override public int count() { return count; }
        @Override public void use(int ordinal) { used.add(ordinal); current = ordinal; }
        @Override public int current() { return current; }
    }

    @AfterEach
    void forget() {
        GpuPinning.reset();
    }

    @Test
    void theThreadTakesTheFirstGpuOfItsTask() {
        FakeGpus gpus = new FakeGpus(4);
        GpuPinning.Pin p = GpuPinning.pin("1", List.of("2"), null, gpus, 1);
        assertTrue(p.ok());
        assertEquals(List.of(2), gpus.used, "the device was set before any array");
        assertEquals(p, GpuPinning.current());
        assertEquals("gpu 2 → device 2 (CUDA)", p.describe());
        GpuPinning.requireUsable();
        GpuPinning.observeTrainingThread();
        assertEquals("2", GpuPinning.trainingGpus());
    }

    @Test
    void anUnusableAssignmentSetsNothingAndFailsTheJobsCode() {
        FakeGpus gpus = new FakeGpus(1);
        GpuPinning.Pin p = GpuPinning.pin("1", List.of("3"), null, gpus, 1);
        assertFalse(p.ok());
        assertEquals(List.of(), gpus.used);
        GpuPinningException e = assertThrows(GpuPinningException.class, GpuPinning::requireUsable);
        assertTrue(e.getMessage().startsWith("executor ?: GPU address 3 is device 3, but ND4J sees 1 device(s)"), e.getMessage());
        // a DL4J worker thread (no pin of its own) in the same JVM fails too
        Thread other = new Thread(() -> assertThrows(GpuPinningException.class, GpuPinning::requireUsable));
        other.start();
        assertDoesNotThrow(() -> other.join());
    }

    @Test
    void nd4jThatDoesNotStartIsReportedWithTheFixNotThrownIntoSparksHook() {
        Devices broken = new FakeGpus(1) {
            @Override public String backend() {
                throw new ExceptionInInitializerError(new RuntimeException(new UnsatisfiedLinkError("no jnicudart")));
            }
        };
        GpuPinning.Pin p = assertDoesNotThrow(() -> GpuPinning.pin("4", List.of("0"), null, broken, 1));
        assertFalse(p.ok());
        assertTrue(p.error().startsWith("ND4J did not start (java.lang.UnsatisfiedLinkError: no jnicudart); fix: run "
                + "cryosphere doctor --master"), p.error());
        assertThrows(GpuPinningException.class, GpuPinning::requireUsable);
    }

    @Test
    void onTheRealCpuBackendSettingTheDeviceIsHarmless() {
        // ND4J's CPU backend: BasicAffinityManager.unsafeSetDevice is a no-op, one pseudo-device 0
        GpuPinning.Pin p = GpuPinning.pin("1", List.of("1"), null, Nd4jDevices.INSTANCE, 1);
        assertTrue(p.ok(), p.describe());
        assertEquals("CPU", p.backend());
        assertEquals(List.of(1), p.devices());
        assertEquals(0, Nd4jDevices.INSTANCE.current());
        assertEquals(6.0, org.nd4j.linalg.factory.Nd4j.create(new float[]{1, 2, 3}).sumNumber().doubleValue(), 0);
        // an address only a GPU backend could map is recorded, not an error, on the CPU backend
        GpuPinning.Pin uuid = GpuPinning.pin("1", List.of("GPU-aaa"), null, Nd4jDevices.INSTANCE, 1);
        assertTrue(uuid.ok(), uuid.describe());
        assertEquals(List.of(), uuid.devices());
    }

    @Test
    void aDl4jWorkerThreadIsNamedByTheAddressOfItsDevice() throws Exception {
        FakeGpus gpus = new FakeGpus(2);
        assertTrue(GpuPinning.pin("1", List.of("0", "1"), null, gpus, 2).ok());
        // ParallelWrapper pinned its second worker to device 1 itself; the worker runs no task code
        Thread worker = new Thread(() -> {
            gpus.current = 1;
            GpuPinning.observeTrainingThread();
        });
        worker.start();
        worker.join();
        assertEquals("1", GpuPinning.trainingGpus());
    }

    @Test
    void theDriverFindsThePinningFailureInsideSparksJobFailure() {
        assertEquals("executor 2: GPU address 9 is bad; fix: x", GpuPinningException.in(new SparkException(
                "Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, most recent failure: Lost task "
                        + "0.3 (TID 7) (127.0.0.1 executor 2): dev.cryosphere.trainer.gpu.GpuPinningException: "
                        + "executor 2: GPU address 9 is bad; fix: x\n\tat dev.cryosphere...")));
        assertEquals("m", GpuPinningException.in(new RuntimeException(new GpuPinningException("m"))));
        assertNull(GpuPinningException.in(new RuntimeException("other")));
    }
}
