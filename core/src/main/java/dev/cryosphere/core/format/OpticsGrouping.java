package dev.cryosphere.core.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds optics groups for metadata without an optics table (RELION 3.0 STAR, cryoSPARC): one group per distinct
 * (pixel size, box, voltage, Cs, Q0), numbered from 1 in order of first appearance. Exact equality is intended:
 * these values are copied per particle from one source, so any difference is a real difference.
 */
final class OpticsGrouping {
    private record Key(double pixelSize, int box, double voltage, double cs, double ampContrast) {}

    private final Map<Key, OpticsGroup> groups = new LinkedHashMap<>();

    /** The group of these parameters, created if new. */
    OpticsGroup groupOf(double pixelSize, int box, double voltage, double cs, double ampContrast) {
        Key key = new Key(pixelSize, box, voltage, cs, ampContrast);
        return groups.computeIfAbsent(key, k -> OpticsGroup.of(groups.size() + 1, pixelSize, box, voltage, cs, ampContrast));
    }

    List<OpticsGroup> groups() { return new ArrayList<>(groups.values()); }
}
