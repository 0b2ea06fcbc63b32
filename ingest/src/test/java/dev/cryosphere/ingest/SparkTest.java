package dev.cryosphere.ingest;

import dev.cryosphere.spark.SparkContexts;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One real local[2] Spark context per test class; every ingest in the class reuses it. */
abstract class SparkTest {
    static SparkContexts.Handle spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkContexts.open("cryosphere-ingest-test", "local[2]");
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.close();
        spark = null;
    }

    static JavaSparkContext jsc() { return spark.context(); }
}
