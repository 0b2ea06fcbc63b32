package dev.cryosphere.core.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What is a remote folder, and the upload/download rules on Hadoop's local file system. The commands never send a
 * file:// URI through {@link RemoteFolder} (it is a local path there), but opened directly it is a store this class
 * does not count as renaming atomically, so these tests see the {@value RemoteFolder#COMMITTED} marker of object
 * stores. HDFS itself: the cli's HdfsRunFolderIT.
 */
class RemoteFolderTest {
    @TempDir
    Path dir;

    @Test
    void onlyASchemeOtherThanFileIsRemote() {
        assertTrue(RemoteFolder.isRemote("hdfs://nn:8020/runs/r1"));
        assertTrue(RemoteFolder.isRemote("s3a://bucket/runs/r1"));
        assertFalse(RemoteFolder.isRemote("file:///tmp/r1"));
        assertFalse(RemoteFolder.isRemote("runs/r1"));
        assertFalse(RemoteFolder.isRemote("/abs/runs:1/r1"));
        assertFalse(RemoteFolder.isRemote("C:/runs/r1"), "a Windows drive is not a scheme");
        assertEquals(Path.of("/tmp/r1"), RemoteFolder.localPath("file:///tmp/r1"));
        assertEquals(Path.of("runs/r1"), RemoteFolder.localPath("runs/r1"));
    }

    @Test
    void aFolderIsUploadedBesideThenRenamedAndReplacedOnlyWhenAsked() throws Exception {
        Path local = Files.createDirectories(dir.resolve("local/eval"));
        Files.writeString(local.resolve("a.csv"), "1\n");
        RemoteFolder remote = RemoteFolder.open(dir.resolve("store/eval").toUri().toString());
        remote.put(local, "", false);
        assertEquals("1\n", Files.readString(dir.resolve("store/eval/a.csv")));
        assertTrue(Files.exists(dir.resolve("store/eval").resolve(RemoteFolder.COMMITTED)), "marker on a store without atomic rename");
        assertEquals(List.of("eval"), names(dir.resolve("store")), "nothing left beside it");

        Files.writeString(local.resolve("a.csv"), "2\n");
        InputException e = assertThrows(InputException.class, () -> remote.put(local, "", false));
        assertTrue(e.getMessage().endsWith("already exists (use --overwrite to replace it)"), e.getMessage());
        assertEquals("1\n", Files.readString(dir.resolve("store/eval/a.csv")));
        remote.put(local, "", true);
        assertEquals("2\n", Files.readString(dir.resolve("store/eval/a.csv")));
        assertEquals(List.of("eval"), names(dir.resolve("store")), "the old copy is deleted after the swap");

        // a file inside is replaced in place
        Files.writeString(dir.resolve("b.csv"), "3\n");
        remote.put(dir.resolve("b.csv"), "sub/b.csv", true);
        assertEquals("3\n", Files.readString(dir.resolve("store/eval/sub/b.csv")));
    }

    @Test
    void aDownloadLeavesOutTheMarkerAndRefusesAFolderWithoutIt() throws Exception {
        Path local = Files.createDirectories(dir.resolve("local/run"));
        Files.writeString(local.resolve("config.json"), "{}");
        RemoteFolder remote = RemoteFolder.open(dir.resolve("store/run").toUri().toString());
        remote.put(local, "", false);
        remote.download(dir.resolve("copy"), Set.of());
        assertEquals(List.of("config.json"), names(dir.resolve("copy")));

        Files.delete(dir.resolve("store/run").resolve(RemoteFolder.COMMITTED));
        InputException e = assertThrows(InputException.class, () -> remote.download(dir.resolve("copy2"), Set.of()));
        assertTrue(e.getMessage().contains("incomplete: no _COMMITTED file"), e.getMessage());
    }

    @Test
    void anUnknownSchemeSaysWhatIsMissing() {
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> RemoteFolder.open("s3a://bucket/runs/r1"));
        assertTrue(e.getMessage().startsWith("s3a://bucket/runs/r1: no Hadoop file system for s3a:// on the classpath (s3a needs hadoop-aws"),
                e.getMessage());
        InputException noFolder = assertThrows(InputException.class, () -> RemoteFolder.open("hdfs://nn:8020/"));
        assertTrue(noFolder.getMessage().contains("names no folder"), noFolder.getMessage());
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc") && !n.equals(RemoteFolder.COMMITTED)).sorted().toList();
        }
    }
}
