package dev.cryosphere.trainer.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * From the GPU addresses Spark assigned to a task to the CUDA device numbers ND4J takes in this process, and whether
 * DL4J's worker threads will land on them. Pure logic: {@link GpuPinning} applies it.
 * <p>
 * Spark's addresses are whatever the discovery script printed: nvidia-smi indices, or the entries of
 * CUDA_VISIBLE_DEVICES when that is set (deploy/conf/getGpusResources.sh does that). CUDA numbers the devices a
 * process sees from 0 in CUDA_VISIBLE_DEVICES order, so an address listed there is its position in the list, and
 * otherwise the address is the device number itself.
 */
public final class DeviceOrdinals {
    private DeviceOrdinals() {}

    /** The CUDA device number of one Spark GPU address; throws {@link GpuPinningException} when there is none. */
    public static int ordinal(String address, String cudaVisibleDevices) {
        String a = address.trim();
        if (cudaVisibleDevices != null) {
            List<String> visible = visible(cudaVisibleDevices);
            int at = visible.indexOf(a);
            if (at >= 0) return at;
            // a discovery script that numbers the visible devices itself (0..n-1), as inside a Kubernetes pod
            Integer n = number(a);
            if (n != null && n < visible.size()) return n;
            throw new GpuPinningException("GPU address '" + a + "' is neither an entry of CUDA_VISIBLE_DEVICES="
                    + cudaVisibleDevices + " nor one of its " + visible.size() + " position(s); fix: make the GPU discovery "
                    + "script print the CUDA_VISIBLE_DEVICES entries (deploy/conf/getGpusResources.sh does)");
        }
        Integer n = number(a);
        if (n == null)
            throw new GpuPinningException("GPU address '" + a + "' is not a device number and CUDA_VISIBLE_DEVICES is "
                    + "not set; fix: make the GPU discovery script print nvidia-smi indices "
                    + "(deploy/conf/getGpusResources.sh does), or set CUDA_VISIBLE_DEVICES to the addresses it prints");
        return n;
    }

    /**
     * The device numbers of a task's addresses, checked against the devices ND4J sees ({@code deviceCount}) and against
     * where DL4J's ParallelWrapper puts its worker threads when {@code workersPerNode} > 1: worker i on device
     * i mod deviceCount, whatever Spark assigned (it pins its threads itself). With one worker the task's own thread
     * trains, on the first address. {@code deviceCount} < 0: not a GPU backend, nothing to check against.
     */
    public static List<Integer> plan(List<String> addresses, String cudaVisibleDevices, int deviceCount, int workersPerNode) {
        List<Integer> ordinals = new ArrayList<>();
        for (String a : addresses) ordinals.add(ordinal(a, cudaVisibleDevices));
        if (deviceCount < 0 || ordinals.isEmpty()) return ordinals;
        for (int i = 0; i < ordinals.size(); i++)
            if (ordinals.get(i) >= deviceCount)
                throw new GpuPinningException("GPU address " + addresses.get(i) + " is device " + ordinals.get(i)
                        + ", but ND4J sees " + deviceCount + " device(s) in this process; fix: make the GPU discovery "
                        + "script list only the GPUs this process can use (CUDA_VISIBLE_DEVICES, nvidia-smi -L)");
        if (workersPerNode > 1) {
            TreeSet<Integer> wrapper = new TreeSet<>();
            for (int i = 0; i < workersPerNode; i++) wrapper.add(i % deviceCount);
            if (!new TreeSet<>(ordinals).containsAll(wrapper))
                throw new GpuPinningException("workers_per_node " + workersPerNode + ": DL4J's ParallelWrapper puts "
                        + "worker i on device i mod " + deviceCount + " (devices " + join(wrapper) + "), but Spark gave "
                        + "this task GPU(s) " + String.join(",", addresses) + " (devices " + join(ordinals) + "); fix: one "
                        + "GPU per executor (spark.executor.resource.gpu.amount=1, workers_per_node: 1), or let each "
                        + "executor see only its own GPUs (Kubernetes, YARN with GPU isolation) with "
                        + "spark.task.resource.gpu.amount = spark.executor.resource.gpu.amount = workers_per_node");
        }
        return ordinals;
    }

    private static List<String> visible(String cudaVisibleDevices) {
        List<String> out = new ArrayList<>();
        for (String s : cudaVisibleDevices.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    private static Integer number(String s) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 6) return null;
        return Integer.parseInt(s);
    }

    private static String join(Iterable<Integer> xs) {
        StringBuilder sb = new StringBuilder();
        for (int x : xs) sb.append(sb.length() > 0 ? "," : "").append(x);
        return sb.toString();
    }
}
