package dev.cryosphere.core.util;

import com.fasterxml.jackson.databind.JsonMappingException;

/** How the configuration readers name a key in their errors: the Jackson path as YAML keys, e.g. {@code train.parts[1].to}. */
public final class ConfigKeys {
    private ConfigKeys() {}

    /** The dotted key path (list positions as [i]) of the value a Jackson mapping error is about. */
    public static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) sb.append(sb.length() > 0 ? "." : "").append(r.getFieldName());
            else sb.append('[').append(r.getIndex()).append(']');
        }
        return sb.toString();
    }
}
