package dev.cryosphere.trainer.gpu;

import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Devices} through ND4J's affinity manager. On the CUDA backend {@code unsafeSetDevice} sets the calling thread's
 * CUDA device (and libnd4j's thread affinity), which must happen before the thread creates an array; a thread that never
 * sets one is given a device round-robin by libnd4j 1.0.0-M2.1, so two executors on one node can share a GPU. On the
 * CPU backend (BasicAffinityManager) it is a no-op and there is one pseudo-device, 0: calling it is harmless.
 */
public final class Nd4jDevices implements Devices {
    public static final Nd4jDevices INSTANCE = new Nd4jDevices();

    private Nd4jDevices() {}

    @Override
    public String backend() {
        return Nd4j.getEnvironment().isCPU() ? "CPU" : "CUDA";
    }

    @Override
    public int count() {
        return Nd4j.getEnvironment().isCPU() ? -1 : Nd4j.getAffinityManager().getNumberOfDevices();
    }

    @Override
    public void use(int ordinal) {
        Nd4j.getAffinityManager().unsafeSetDevice(ordinal);
    }

    @Override
    public int current() {
        return Nd4j.getAffinityManager().getDeviceForCurrentThread();
    }
}
