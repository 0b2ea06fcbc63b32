package dev.cryosphere.core.format;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code data_NAME} block: key-value pairs ({@code _rlnKey value}) and, as RELION writes them, at most one loop.
 * Keys are stored without the leading underscore.
 */
public final class StarBlock {
    private final String name;
    private final Map<String, String> pairs = new LinkedHashMap<>();
    private StarLoop loop;

    StarBlock(String name) { this.name = name; }

    void put(String key, String value) { pairs.put(key, value); }

    void setLoop(StarLoop loop) { this.loop = loop; }

    /** Name after "data_" (may be empty: RELION 3.0 files often start with a bare "data_"). */
    public String name() { return name; }

    public Map<String, String> pairs() { return Collections.unmodifiableMap(pairs); }

    public Optional<StarLoop> loop() { return Optional.ofNullable(loop); }
}
