package dev.cryosphere.trainer.gpu;

import dev.cryosphere.core.util.EnvironmentException;

/**
 * A GPU Spark assigned to a task that this process cannot use as assigned; the message names the address and the fix.
 * Thrown on executors; {@link #in(Throwable)} finds it again on the driver inside Spark's job failure.
 */
public final class GpuPinningException extends EnvironmentException {
    public GpuPinningException(String message) {
        super(message);
    }

    /**
     * The pinning failure behind a failed Spark job, or null. Spark passes the executor's exception as the cause when it
     * can deserialize it, and always as text in its message ("... GpuPinningException: MESSAGE\n\tat ...").
     */
    public static String in(Throwable t) {
        String marker = GpuPinningException.class.getName() + ": ";
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof GpuPinningException) return c.getMessage();
            String m = c.getMessage();
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                String rest = m.substring(at + marker.length());
                int end = rest.indexOf('\n');
                return (end < 0 ? rest : rest.substring(0, end)).trim();
            }
        }
        return null;
    }
}
