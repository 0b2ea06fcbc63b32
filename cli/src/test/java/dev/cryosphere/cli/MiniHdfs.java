package dev.cryosphere.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** A real HDFS (one name node, one data node) in a temporary folder, for the tests of hdfs:// run folders. */
final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    static MiniHdfs start(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toAbsolutePath().toString());
        // the web UIs are not needed, and binding them only costs time and ports
        conf.setBoolean("dfs.webhdfs.enabled", false);
        MiniDFSCluster c = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        c.waitActive();
        return new MiniHdfs(c);
    }

    /** hdfs://127.0.0.1:PORT (the name node), without a trailing slash. */
    String uri() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    FileSystem fs() throws IOException {
        return FileSystem.get(URI.create(uri()), new Configuration());
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
