package dev.cryosphere.trainer.doctor;

import dev.cryosphere.trainer.gpu.GpuPinning;
import dev.cryosphere.trainer.gpu.Nd4jDevices;
import org.apache.spark.TaskContext;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The checks of {@code cryosphere doctor} for this JVM: ND4J backend, devices and their memory, native threads,
 * JavaCPP's memory limits, library versions, the GPU Spark assigned (inside a task), and one training step of a tiny
 * model. Each check is isolated: a failure becomes a {@link Finding} with its fix, never an exception.
 */
public final class NodeChecks {
    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private NodeChecks() {}

    public static List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        Finding backend = backend(present(CPU_BACKEND), present(CUDA_BACKEND));
        out.add(backend);
        out.add(versions());
        // without a backend every other ND4J call fails the same way: one error is enough
        if (!backend.ok()) return out;
        out.add(guard("devices", NodeChecks::devices));
        out.add(guard("threads", NodeChecks::threads));
        out.add(guard("memory", NodeChecks::memory));
        Finding gpu = gpu();
        if (gpu != null) out.add(gpu);
        out.add(step());
        return out;
    }

    /** Which backend jars are on the class path and whether ND4J starts with them. */
    static Finding backend(boolean cpuJar, boolean cudaJar) {
        if (cpuJar && cudaJar)
            return Finding.problem("backend", "nd4j-native and nd4j-cuda-11.6 both on the class path",
                    "two ND4J backends: ND4J takes one by priority, and executors built otherwise may take the other",
                    "build with one backend (mvn package for CPU, mvn -Pcuda package for CUDA) and ship the same jars to every node");
        if (!cpuJar && !cudaJar)
            return Finding.problem("backend", "no ND4J backend jar on the class path", "ND4J cannot start",
                    "build with mvn package (CPU) or mvn -Pcuda package (CUDA), and run with cli/target/lib on the class path");
        try {
            String name = Nd4jDevices.INSTANCE.backend();
            Object blas = Nd4j.getExecutioner().getEnvironmentInformation().get(Nd4jEnvironment.BLAS_VENDOR_KEY);
            return Finding.ok("backend", name + " (" + (cudaJar ? "nd4j-cuda-11.6 " + version("org.nd4j", "nd4j-cuda-11.6")
                    : "nd4j-native " + version("org.nd4j", "nd4j-native")) + ", BLAS " + blas + ")");
        } catch (Throwable t) {
            return backendFailure(cudaJar, t);
        }
    }

    /** The one-line diagnosis when ND4J did not start; the CUDA build on a node without a usable GPU is the usual case. */
    static Finding backendFailure(boolean cudaJar, Throwable t) {
        String why = rootMessage(t);
        if (cudaJar)
            return Finding.problem("backend", "CUDA (nd4j-cuda-11.6) did not start: " + why,
                    "this is the CUDA build (-Pcuda) and it found no usable GPU: no NVIDIA GPU or driver, or no CUDA 11.6 / cuDNN 8 libraries on this node",
                    "run it on a GPU node with the NVIDIA driver, CUDA 11.6 and cuDNN 8 (or the docker/Dockerfile.cuda image), or use the CPU build (mvn package without -Pcuda) here");
        return Finding.problem("backend", "CPU (nd4j-native) did not start: " + why,
                "ND4J's native library did not load",
                "install libgomp1 (OpenMP), make $HOME writable (JavaCPP unpacks its libraries there) and use the linux-x86_64 jars of the same build");
    }

    static Finding devices() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String host = String.format(Locale.ROOT, "host: %s cores, %s free of %s", env.get(Nd4jEnvironment.CPU_CORES_KEY),
                bytes(env.get(Nd4jEnvironment.HOST_FREE_MEMORY_KEY)), bytes(env.get(Nd4jEnvironment.HOST_TOTAL_MEMORY_KEY)));
        if (Nd4j.getEnvironment().isCPU()) return Finding.ok("devices", "no GPU (CPU backend); " + host);
        StringBuilder sb = new StringBuilder();
        Object info = env.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
        int n = Nd4j.getAffinityManager().getNumberOfDevices();
        if (info instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Map<?, ?> d = (Map<?, ?>) list.get(i);
                sb.append(i > 0 ? "; " : "").append(i).append(' ').append(d.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY))
                        .append(", ").append(bytes(d.get(Nd4jEnvironment.CUDA_FREE_MEMORY_KEY))).append(" free of ")
                        .append(bytes(d.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY)));
            }
        }
        String result = n + " GPU(s)" + (sb.length() > 0 ? ": " + sb : "") + "; " + host;
        if (n < 1)
            return Finding.problem("devices", result, "the CUDA backend sees no GPU",
                    "check nvidia-smi on this node and that CUDA_VISIBLE_DEVICES (if set) names its GPUs");
        return Finding.ok("devices", result);
    }

    static Finding threads() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        return Finding.ok("threads", String.format(Locale.ROOT, "OpenMP %s, BLAS %s, ND4J max %d (master %d); "
                        + "OMP_NUM_THREADS=%s, %d processors", env.get(Nd4jEnvironment.OMP_THREADS_KEY),
                env.get(Nd4jEnvironment.BLAS_THREADS_KEY), Nd4j.getEnvironment().maxThreads(),
                Nd4j.getEnvironment().maxMasterThreads(), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                Runtime.getRuntime().availableProcessors()));
    }

    /** JavaCPP caps ND4J's off-heap memory: maxbytes (arrays) and maxphysicalbytes (the whole process). */
    static Finding memory() {
        long max = Pointer.maxBytes(), maxPhysical = Pointer.maxPhysicalBytes(), physical = Pointer.physicalBytes();
        String result = String.format(Locale.ROOT, "JavaCPP maxbytes %s (%s), maxphysicalbytes %s (%s), process now %s; "
                        + "Java heap max %s", bytes(max), property("org.bytedeco.javacpp.maxbytes", "default: the heap max"),
                bytes(maxPhysical), property("org.bytedeco.javacpp.maxphysicalbytes", "default: 4 x the heap max"),
                bytes(physical), bytes(Runtime.getRuntime().maxMemory()));
        if (maxPhysical > 0 && physical > maxPhysical)
            return Finding.problem("memory", result, "the process already uses more memory than maxphysicalbytes",
                    "raise -Dorg.bytedeco.javacpp.maxphysicalbytes (executors: spark.executor.extraJavaOptions, with "
                            + "spark.executor.memoryOverhead to match)");
        return Finding.ok("memory", result);
    }

    static Finding versions() {
        String cuda = version("org.nd4j", "nd4j-cuda-11.6"), cpu = version("org.nd4j", "nd4j-native"),
                api = version("org.nd4j", "nd4j-api");
        String result = String.format(Locale.ROOT, "Java %s, Spark %s, Hadoop %s, DL4J %s (Spark modules %s), ND4J %s, JavaCPP %s",
                System.getProperty("java.version"), spark(), hadoop(), version("org.deeplearning4j", "deeplearning4j-nn"),
                version("org.deeplearning4j", "dl4j-spark_2.12"), api, version("org.bytedeco", "javacpp"));
        String backend = !"?".equals(cuda) ? cuda : cpu;
        if (!"?".equals(backend) && !"?".equals(api) && !backend.equals(api))
            return Finding.problem("versions", result, "nd4j-api " + api + " with backend " + backend,
                    "use one ND4J version for nd4j-api and the backend (the root pom's dl4j.version)");
        return Finding.ok("versions", result);
    }

    /** The GPU Spark assigned to the running task, as pinned ({@link GpuPinning}); null outside a Spark task. */
    static Finding gpu() {
        if (TaskContext.get() == null) return null;
        GpuPinning.Pin pin = GpuPinning.current();
        if (pin == null) return Finding.ok("gpu", "none assigned to this task (no spark.task.resource.gpu.amount)");
        if (!pin.ok()) {
            // the pinning messages end in "; fix: ..." already
            String[] parts = pin.error().split("; fix: ", 2);
            return Finding.problem("gpu", "gpu " + String.join(",", pin.addresses()), parts[0],
                    parts.length > 1 ? parts[1] : "check spark.task.resource.gpu.amount and the GPU discovery script");
        }
        return Finding.ok("gpu", pin.describe());
    }

    static Finding step() {
        try {
            TinyTrainingStep.Result r = TinyTrainingStep.run();
            String result = String.format(Locale.ROOT, "one step of a tiny model: loss %.4g in %.2f s (model built in %.2f s)",
                    r.loss(), r.stepSeconds(), r.buildSeconds());
            if (!Double.isFinite(r.loss()))
                return Finding.problem("step", result, "the loss or the parameters were not finite",
                        "rerun with --debug and report the log: the backend computes wrong values on this node");
            return Finding.ok("step", result);
        } catch (OutOfMemoryError e) {
            return Finding.problem("step", "out of memory: " + e.getMessage(), "a tiny model did not fit",
                    "raise -Dorg.bytedeco.javacpp.maxbytes / maxphysicalbytes and the memory of this JVM "
                            + "(executors: spark.executor.memoryOverhead and spark.executor.extraJavaOptions)");
        } catch (Throwable t) {
            return Finding.problem("step", "failed: " + rootMessage(t), "one training step of a tiny model failed",
                    "rerun with --debug for the stack trace; check the backend and devices lines above");
        }
    }

    private interface Check {
        Finding run() throws Exception;
    }

    private static Finding guard(String name, Check c) {
        try {
            return c.run();
        } catch (Throwable t) {
            return Finding.problem(name, "failed: " + rootMessage(t), "ND4J could not report it",
                    "rerun with --debug for the stack trace");
        }
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, NodeChecks.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A library's version from the pom.properties Maven puts in its jar, "?" if absent. */
    static String version(String group, String artifact) {
        try (InputStream in = NodeChecks.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            if (in == null) return "?";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (Exception e) {
            return "?";
        }
    }

    private static String spark() {
        try {
            return org.apache.spark.package$.MODULE$.SPARK_VERSION();
        } catch (Throwable t) {
            return "?";
        }
    }

    private static String hadoop() {
        try {
            return org.apache.hadoop.util.VersionInfo.getVersion();
        } catch (Throwable t) {
            return "?";
        }
    }

    private static String property(String key, String otherwise) {
        String v = System.getProperty(key);
        return v == null ? otherwise : key.substring(key.lastIndexOf('.') + 1) + "=" + v;
    }

    static String bytes(Object v) {
        long b;
        try {
            b = v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            return String.valueOf(v);
        }
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
    }

    static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        String m = r.getMessage();
        return (r.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replace('\n', ' ');
    }
}
