package dev.cryosphere.trainer.gpu;

/**
 * Test aid, never set in production: with {@code -Dcryosphere.test.pretendGpus=N} the pinning checks assignments as
 * if ND4J were the CUDA backend with N devices (setting one does nothing), so that the failure path of a GPU
 * assignment an executor cannot use is exercised end to end on machines without GPUs (GpuClusterIT).
 */
final class PretendGpus implements Devices {
    static final String PROPERTY = "cryosphere.test.pretendGpus";
    private final int count;
    private final ThreadLocal<Integer> current = ThreadLocal.withInitial(() -> 0);

    private PretendGpus(int count) {
        this.count = count;
    }

    /** The devices the pinning uses in this JVM: ND4J's, unless the test property is set. */
    static Devices orNd4j() {
        String n = System.getProperty(PROPERTY);
        return n == null ? Nd4jDevices.INSTANCE : new PretendGpus(Integer.parseInt(n.trim()));
    }

    @Override public String backend() { return "CUDA"; }
    @Override public int count() { return count; }
    @Override public void use(int ordinal) { current.set(ordinal); }
    @Override public int current() { return current.get(); }
}
