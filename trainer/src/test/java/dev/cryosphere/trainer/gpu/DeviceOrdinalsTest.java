package dev.cryosphere.trainer.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DeviceOrdinalsTest {
    @Test
    void anIndexIsTheDeviceWhenCudaVisibleDevicesIsUnset() {
        assertEquals(0, DeviceOrdinals.ordinal("0", null));
        assertEquals(3, DeviceOrdinals.ordinal(" 3 ", null));
    }

    @Test
    void anEntryOfCudaVisibleDevicesIsItsPosition() {
        // YARN or a node agent made GPUs 2 and 3 visible: CUDA calls them 0 and 1
        assertEquals(0, DeviceOrdinals.ordinal("2", "2,3"));
        assertEquals(1, DeviceOrdinals.ordinal("3", "2, 3"));
        assertEquals(1, DeviceOrdinals.ordinal("GPU-bbb", "GPU-aaa,GPU-bbb"));
        // a discovery script that numbers the visible devices itself (inside a Kubernetes pod)
        assertEquals(1, DeviceOrdinals.ordinal("1", "GPU-aaa,GPU-bbb"));
    }

    @Test
    void anAddressThatNamesNoDeviceSaysWhatToFix() {
        GpuPinningException uuid = assertThrows(GpuPinningException.class, () -> DeviceOrdinals.ordinal("GPU-aaa", null));
        assertTrue(uuid.getMessage().contains("'GPU-aaa'") && uuid.getMessage().contains("fix:"), uuid.getMessage());
        GpuPinningException outside = assertThrows(GpuPinningException.class, () -> DeviceOrdinals.ordinal("5", "2,3"));
        assertTrue(outside.getMessage().contains("CUDA_VISIBLE_DEVICES=2,3"), outside.getMessage());
        assertThrows(GpuPinningException.class, () -> DeviceOrdinals.ordinal("0", ""), "an empty list shows no GPU");
    }

    @Test
    void onTheCpuBackendNothingIsCheckedAgainstDevices() {
        assertEquals(List.of(7), DeviceOrdinals.plan(List.of("7"), null, -1, 4));
    }

    @Test
    void aDeviceBeyondThoseNd4jSeesIsRefused() {
        assertEquals(List.of(1), DeviceOrdinals.plan(List.of("1"), null, 2, 1));
        GpuPinningException e = assertThrows(GpuPinningException.class, () -> DeviceOrdinals.plan(List.of("2"), null, 2, 1));
        assertTrue(e.getMessage().contains("ND4J sees 2 device(s)"), e.getMessage());
    }

    @Test
    void severalWorkersPerExecutorMustLandWhereDl4jPutsThem() {
        // one executor owns the whole 2-GPU node: ParallelWrapper's workers go to devices 0 and 1 = its GPUs
        assertEquals(List.of(0, 1), DeviceOrdinals.plan(List.of("0", "1"), null, 2, 2));
        // Kubernetes: the pod sees only its two GPUs, whatever their node indices
        assertEquals(List.of(0, 1), DeviceOrdinals.plan(List.of("6", "7"), "6,7", 2, 2));
        // two executors share a 4-GPU standalone node: the second one's workers would go to GPUs 0 and 1 too
        GpuPinningException e = assertThrows(GpuPinningException.class,
                () -> DeviceOrdinals.plan(List.of("2", "3"), null, 4, 2));
        assertTrue(e.getMessage().contains("workers_per_node 2") && e.getMessage().contains("devices 0,1")
                && e.getMessage().contains("fix: one GPU per executor"), e.getMessage());
        // two workers, but the task holds one GPU
        assertThrows(GpuPinningException.class, () -> DeviceOrdinals.plan(List.of("0"), null, 2, 2));
    }
}
