package dev.cryosphere.trainer.gpu;

/** The compute devices of this process as ND4J sees them; an interface so that the pinning logic is tested on CPU. */
public interface Devices {
    /** "CUDA" or "CPU". */
    String backend();

    /** Devices ND4J can put arrays on: the GPUs it sees, or -1 on the CPU backend (it has no devices to choose). */
    int count();

    /** Makes the calling thread's new arrays and kernels go to this device. */
    void use(int ordinal);

    /** The device of the calling thread (0 on the CPU backend). */
    int current();
}
