package dev.cryosphere.trainer.run;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The batches of one epoch, streamed from the Parquet dataset with a seeded shuffle: the part files in a random
 * order, the rows of each part in a random order, batches cut across part boundaries, the last incomplete batch
 * dropped (the reference's drop_last). Memory: one part at a time (parts are ~--shard-mb).
 */
final class EpochBatches implements Iterator<List<BatchBuilder.Row>> {
    private final List<String> parts;
    private final int batchSize;
    private final Random rng;
    private final List<BatchBuilder.Row> pending = new ArrayList<>();
    private int nextPart;

    EpochBatches(DatasetReader data, int batchSize, long seed, int epoch) {
        this.batchSize = batchSize;
        this.rng = new Random(BatchBuilder.mix(seed ^ 0x5EEDL, epoch, -1));
        this.parts = new ArrayList<>(data.parts());
        Collections.shuffle(parts, rng);
    }

    @Override
    public boolean hasNext() {
        while (pending.size() < batchSize && nextPart < parts.size()) load(parts.get(nextPart++));
        return pending.size() >= batchSize;
    }

    @Override
    public List<BatchBuilder.Row> next() {
        if (!hasNext()) throw new NoSuchElementException();
        List<BatchBuilder.Row> batch = new ArrayList<>(pending.subList(0, batchSize));
        pending.subList(0, batchSize).clear();
        return batch;
    }

    private void load(String part) {
        List<BatchBuilder.Row> rows = new ArrayList<>();
        try (DatasetReader.BatchStream s = DatasetReader.readPart(part, 1024, true)) {
            while (s.hasNext()) {
                ParticleBatch b = s.next();
                for (int i = 0; i < b.size; i++)
                    rows.add(new BatchBuilder.Row(b.particleIndex[i], b.images[i], b.rotation[i], b.originXAngst[i],
                            b.originYAngst[i], b.ctf[i]));
            }
        }
        Collections.shuffle(rows, rng);
        pending.addAll(rows);
    }
}
