package dev.cryosphere.trainer.gpu;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On an executor: sets the calling thread's ND4J device to the GPU Spark assigned to the running task
 * ({@code TaskContext.resources().get("gpu")}, from {@code spark.executor.resource.gpu.amount} and
 * {@code spark.task.resource.gpu.amount}), and remembers which GPUs the training threads of this JVM use.
 * {@link GpuPinningPlugin} calls {@link #pinCurrentTask} in every task thread before the task's code runs, hence before
 * DL4J builds the model replica there. A task without a GPU resource is left as it was (no ND4J call at all).
 */
public final class GpuPinning {
    /** The resource name Spark schedules GPUs under. */
    public static final String GPU = "gpu";

    /**
     * What a task thread was pinned to: the task's GPU addresses, their device numbers (the first is the thread's), the
     * backend, and why nothing was set ({@code error}, else null).
     */
    public record Pin(List<String> addresses, List<Integer> devices, String backend, String error) implements Serializable {
        public boolean ok() { return error == null; }

        /** e.g. "gpu 0 → device 0 (CUDA)", "gpu 2 (CPU backend: no device to set)". */
        public String describe() {
            String gpus = "gpu " + String.join(",", addresses);
            if (error != null) return gpus + ": " + error;
            if ("CPU".equals(backend)) return gpus + " (CPU backend: no device to set)";
            return gpus + " → device " + join(devices) + " (" + backend + ")";
        }
    }

    private static final ThreadLocal<Pin> CURRENT = new ThreadLocal<>();
    /** Log once per assignment and JVM, not per task. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    /** Device number → address, of this JVM's successful pins (to name the GPU of a thread DL4J pinned itself). */
    private static final Map<Integer, String> KNOWN = new ConcurrentHashMap<>();
    private static volatile Pin last;
    private static volatile Devices lastDevices = Nd4jDevices.INSTANCE;
    private static volatile String failure;
    /** Training thread id → the GPU address(es) it trains on ("" without a GPU). */
    private static final Map<Long, String> TRAINING = new ConcurrentHashMap<>();

    private GpuPinning() {}

    /**
     * Pins the calling thread to the first GPU of the running Spark task, if the task has GPUs; returns the pin, or null
     * when there is no task or no GPU resource. Never throws (Spark's plugin hook would only log it): a failure is
     * recorded and raised by {@link #requireUsable()} in the job's own code.
     */
    public static Pin pinCurrentTask(int workersPerNode) {
        TaskContext tc = TaskContext.get();
        ResourceInformation gpu = tc == null ? null : tc.resourcesJMap().get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            CURRENT.remove();
            return null;
        }
        return pin(executorId(), List.of(gpu.addresses()), System.getenv("CUDA_VISIBLE_DEVICES"), PretendGpus.orNd4j(),
                workersPerNode);
    }

    static Pin pin(String executor, List<String> addresses, String cudaVisibleDevices, Devices devices, int workersPerNode) {
        Pin p;
        String backend = "?";
        try {
            backend = devices.backend();
            int count = devices.count();
            List<Integer> ordinals;
            try {
                ordinals = DeviceOrdinals.plan(addresses, cudaVisibleDevices, count, workersPerNode);
            } catch (GpuPinningException e) {
                // the CPU backend uses no GPU: an address it cannot map is recorded, not an error
                if (count >= 0) throw e;
                ordinals = List.of();
            }
            // the CPU backend's unsafeSetDevice is a no-op (BasicAffinityManager), so this is harmless there
            if (!ordinals.isEmpty()) devices.use(ordinals.get(0));
            p = new Pin(addresses, ordinals, backend, null);
            for (int i = 0; i < ordinals.size(); i++) KNOWN.putIfAbsent(ordinals.get(i), addresses.get(i));
            last = p;
            lastDevices = devices;
        } catch (GpuPinningException e) {
            p = new Pin(addresses, List.of(), backend, e.getMessage());
            if (failure == null) failure = e.getMessage();
        } catch (Throwable t) {
            // ND4J itself did not start (no usable backend): training would fail anyway, less clearly
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            p = new Pin(addresses, List.of(), backend, "ND4J did not start (" + root.toString().replace('\n', ' ')
                    + "); fix: run cryosphere doctor --master with the job's settings to see why (the -Pcuda build needs "
                    + "an NVIDIA GPU, CUDA 11.6 and cuDNN 8 on every executor)");
        }
        CURRENT.set(p);
        if (LOGGED.add(p.describe()))
            System.err.printf(Locale.ROOT, "cryosphere-gpu executor=%s pid=%d gpu=%s %s%n", executor,
                    ProcessHandle.current().pid(), String.join(",", addresses),
                    p.ok() ? "device=" + (p.devices().isEmpty() ? "-" : join(p.devices())) + " backend=" + p.backend()
                            + ("CPU".equals(p.backend()) ? " (ND4J's CPU backend has no device to set)" : "")
                            : "error=" + p.error());
        return p;
    }

    /** The calling thread's pin (null: not a task thread, or its task has no GPU). */
    public static Pin current() {
        return CURRENT.get();
    }

    /** Throws the pinning failure of this thread, or of this JVM's DL4J worker threads, if any: call before training. */
    public static void requireUsable() {
        Pin p = CURRENT.get();
        if (p != null && !p.ok()) throw new GpuPinningException("executor " + executorId() + ": " + p.error());
        String f = failure;
        if (p == null && f != null) throw new GpuPinningException("executor " + executorId() + ": " + f);
    }

    /**
     * Called in a training thread (every step; a map look-up after the first): remembers the GPU it trains on. A task
     * thread has its pin; a DL4J ParallelWrapper worker pinned itself, so its device is named by the address this JVM
     * pinned to that device (on the CPU backend: the JVM's last assignment, since nothing runs on a device there).
     */
    public static void observeTrainingThread() {
        long id = Thread.currentThread().getId();
        if (TRAINING.containsKey(id)) return;
        Pin p = CURRENT.get();
        String gpus;
        if (p != null) gpus = String.join(",", p.addresses());
        else if (last == null) gpus = "";
        else if ("CPU".equals(last.backend())) gpus = String.join(",", last.addresses());
        else {
            int device = lastDevices.current();
            gpus = KNOWN.getOrDefault(device, "device " + device);
        }
        TRAINING.put(id, gpus);
    }

    /** The GPU addresses this JVM's training threads used, comma-separated and sorted; "" without GPUs. */
    public static String trainingGpus() {
        TreeSet<String> all = new TreeSet<>();
        for (String s : TRAINING.values()) for (String a : s.split(",")) if (!a.isBlank()) all.add(a.trim());
        return String.join(",", all);
    }

    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /** Test aid: forgets this JVM's pins and observations. */
    static void reset() {
        CURRENT.remove();
        LOGGED.clear();
        KNOWN.clear();
        TRAINING.clear();
        last = null;
        lastDevices = Nd4jDevices.INSTANCE;
        failure = null;
    }

    private static String join(Iterable<Integer> xs) {
        StringBuilder sb = new StringBuilder();
        for (int x : xs) sb.append(sb.length() > 0 ? "," : "").append(x);
        return sb.toString();
    }
}
