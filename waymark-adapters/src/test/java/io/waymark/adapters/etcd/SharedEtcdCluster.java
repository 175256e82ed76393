package io.waymark.adapters.etcd;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real 3-member etcd cluster per test class (started before its first test, killed after its
 * last): starting etcd costs seconds, so tests share it and keep apart by key prefix.
 */
abstract class SharedEtcdCluster {
    @TempDir
    static Path etcdScratch;
    static LocalEtcdCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalEtcdCluster.start(etcdScratch, 3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
        cluster = null;
    }
}
