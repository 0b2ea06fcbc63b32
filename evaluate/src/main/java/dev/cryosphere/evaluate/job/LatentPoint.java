package dev.cryosphere.evaluate.job;

import java.io.Serializable;

/**
 * A latent point whose structure and volume are written: a PC traversal step or a k-means centre.
 *
 * @param name     output path inside EVAL without extension, e.g. "traversals/pc1_03"
 * @param particle the particle whose latent this is (points are snapped to real latents), -1 if none
 */
public record LatentPoint(String name, long particle, double[] z) implements Serializable {}
