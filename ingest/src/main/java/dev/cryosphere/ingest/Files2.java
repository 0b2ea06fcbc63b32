package dev.cryosphere.ingest;

import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.util.InputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** File-system plumbing: local paths vs Hadoop URIs, MRC stacks through Hadoop streams, fingerprints. */
final class Files2 {
    private Files2() {}

    /** Bytes hashed at each end of a stack for its fingerprint. */
    static final int FINGERPRINT_BYTES = 64 << 10;

    /** A plain path or a file: URI (read with java.nio), as opposed to hdfs://, s3a://, … */
    static boolean isLocal(String uri) {
        if (uri.startsWith("file:")) return true;
        int colon = uri.indexOf(':'), slash = uri.indexOf('/');
        return colon < 0 || (slash >= 0 && slash < colon) || colon == 1;  // no scheme (or a Windows drive)
    }

    static java.nio.file.Path localPath(String uri) {
        return uri.startsWith("file:") ? java.nio.file.Path.of(URI.create(uri)) : java.nio.file.Path.of(uri);
    }

    /** A Hadoop path: plain paths become absolute file: URIs. */
    static Path hadoopPath(String uri) {
        // not Path(URI): java.nio's toUri() ends existing directories with "/", which would make getName() empty
        return isLocal(uri) ? new Path("file", null, localPath(uri).toAbsolutePath().normalize().toString()) : new Path(uri);
    }

    /** Open an MRC stack: java.nio for local files (unless forced), else a Hadoop stream with positional reads. */
    static MrcReader openMrc(String uri, Configuration conf, boolean forceHadoop) {
        if (isLocal(uri) && !forceHadoop) return MrcReader.open(localPath(uri));
        Path p = hadoopPath(uri);
        FSDataInputStream in;
        long size;
        try {
            FileSystem fs = p.getFileSystem(conf);
            size = fs.getFileStatus(p).getLen();
            in = fs.open(p);
        } catch (FileNotFoundException e) {
            throw new InputException(uri, null, "file not found", e);
        } catch (IOException e) {
            throw new InputException(uri, null, "cannot open: " + e.getMessage(), e);
        }
        return MrcReader.open(uri, new HadoopSource(in, size));
    }

    /** Positional reads on a Hadoop stream (PositionedReadable.read is thread-safe). */
    record HadoopSource(FSDataInputStream in, long size) implements MrcReader.Source {
        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            if (position >= size) return -1;
            int n = (int) Math.min(dst.remaining(), size - position);
            if (dst.hasArray()) {
                int r = in.read(position, dst.array(), dst.arrayOffset() + dst.position(), n);
                if (r > 0) dst.position(dst.position() + r);
                return r;
            }
            byte[] tmp = new byte[n];
            int r = in.read(position, tmp, 0, n);
            if (r > 0) dst.put(tmp, 0, r);
            return r;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    /** Size, modification time and SHA-256 (whole file, or first + last {@link #FINGERPRINT_BYTES} bytes). */
    static dev.cryosphere.core.dataset.DatasetInfo.SourceFile fingerprint(String uri, Configuration conf, boolean full) {
        Path p = hadoopPath(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus st = fs.getFileStatus(p);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long len = st.getLen();
            try (FSDataInputStream in = fs.open(p)) {
                if (full) {
                    byte[] buf = new byte[1 << 16];
                    int r;
                    while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
                } else {
                    int head = (int) Math.min(len, FINGERPRINT_BYTES);
                    byte[] b = new byte[head];
                    in.readFully(0, b);
                    md.update(b);
                    long tailStart = Math.max(head, len - FINGERPRINT_BYTES);
                    byte[] t = new byte[(int) (len - tailStart)];
                    in.readFully(tailStart, t);
                    md.update(t);
                }
            }
            return new dev.cryosphere.core.dataset.DatasetInfo.SourceFile(p.toString(), len, st.getModificationTime(),
                    HexFormat.of().formatHex(md.digest()), full ? "full" : "first and last 64 KiB");
        } catch (FileNotFoundException e) {
            throw new InputException(uri, null, "file not found", e);
        } catch (IOException e) {
            throw new InputException(uri, null, "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Hadoop configuration that can travel to executors (spark.hadoop.* settings included). */
    static final class ConfMap implements Serializable {
        private final HashMap<String, String> entries = new HashMap<>();

        ConfMap(Configuration conf) {
            for (Map.Entry<String, String> e : conf) entries.put(e.getKey(), e.getValue());
        }

        Configuration toConfiguration() {
            Configuration c = new Configuration(false);
            entries.forEach(c::set);
            return c;
        }
    }
}
