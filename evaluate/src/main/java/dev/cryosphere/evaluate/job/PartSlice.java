package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.dataset.DatasetInfo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One Spark task: {@code rows} consecutive rows of a part file starting after {@code skip} rows. Slices have a fixed
 * size that depends on the dataset only (never on the master or the core count), so batches, and with them every
 * number, are the same on local[N] and on any cluster.
 */
public record PartSlice(String partUri, long skip, long rows) implements Serializable {

    /** Rows per task: 64, or count/64 for large datasets (at most about 64 tasks, each reading its part from the start). */
    public static long defaultRowsPerTask(long count) {
        return Math.max(64, (count + 63) / 64);
    }

    public static List<PartSlice> plan(List<String> partUris, List<DatasetInfo.Part> parts, long rowsPerTask) {
        List<PartSlice> out = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++)
            for (long s = 0; s < parts.get(p).rows(); s += rowsPerTask)
                out.add(new PartSlice(partUris.get(p), s, Math.min(rowsPerTask, parts.get(p).rows() - s)));
        return out;
    }
}
