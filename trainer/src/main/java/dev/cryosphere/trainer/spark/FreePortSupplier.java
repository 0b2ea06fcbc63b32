package dev.cryosphere.trainer.spark;

import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/**
 * A free UDP port for the gradient-sharing transport, chosen in each JVM (driver and every executor) on first use.
 * DL4J M2's StaticPortSupplier ignores its argument (every JVM would bind 49876); the port is transient, so it is
 * 0 after deserialisation on an executor, hence the {@code <= 0} test.
 */
public final class FreePortSupplier implements PortSupplier {
    private static final long serialVersionUID = 1L;
    private final String bindHost;
    private transient int port;

    public FreePortSupplier(String bindHost) {
        this.bindHost = bindHost;
    }

    @Override
    public int getPort() {
        if (port <= 0) {
            try (DatagramSocket s = bindHost == null ? new DatagramSocket(0) : new DatagramSocket(0, InetAddress.getByName(bindHost))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free UDP port for gradient sharing", e);
            }
        }
        return port;
    }
}
