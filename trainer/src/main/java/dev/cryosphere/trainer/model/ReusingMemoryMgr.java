package dev.cryosphere.trainer.model;

import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * SameDiff's memory for the loss layer: the arrays handed back to DL4J (the requested outputs: loss, activations,
 * gradients) go where DL4J's own manager puts them (its workspaces, or detached when scoped out); every
 * intermediate array comes from, and when SameDiff releases it returns to, one {@link ArrayCacheMemoryMgr} that
 * lives as long as the layer, so the next array of that size reuses the buffer.
 *
 * <p>Why: DL4J M2.1's {@code DL4JSameDiffMemoryMgr.release} is empty, so every intermediate array of a step stays
 * in the working-memory workspace until the step ends: the workspace grows to the sum of all arrays of the forward
 * and backward passes (several GB at 1,006 residues). Where arrays live does not change any value.
 */
final class ReusingMemoryMgr extends AbstractMemoryMgr {
    private final SessionMemMgr outputs;
    private final ArrayCacheMemoryMgr cache;

    ReusingMemoryMgr(SessionMemMgr outputs, ArrayCacheMemoryMgr cache) {
        this.outputs = outputs;
        this.cache = cache;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return detached ? outputs.allocate(true, dataType, shape) : cache.allocate(false, dataType, shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        return detached ? outputs.allocate(true, descriptor) : cache.allocate(false, descriptor);
    }

    @Override
    public void release(INDArray array) {
        if (!array.isAttached()) cache.release(array);     // workspace arrays belong to DL4J's workspace
    }

    @Override
    public void close() {
        // the cache outlives one session call
    }
}
