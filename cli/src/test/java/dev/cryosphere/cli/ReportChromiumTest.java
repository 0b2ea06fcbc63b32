package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * report.html opens in headless Chromium with every chart drawn (issue acceptance 4): the DOM Chromium built has
 * every {@code <svg class="chart">} with drawn marks, and a screenshot is a real picture. Runs where /usr/bin/chromium
 * exists (.ci/run installs it).
 */
class ReportChromiumTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    Path dir;

    @Test
    void reportRendersWithEveryPlotDrawn() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium not installed");
        EvalFixtures fx = EvalFixtures.create(dir, 60);
        Path eval = dir.resolve("eval");
        Cli c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", fx.data.toString(), "--out", eval.toString(),
                "--master", "local[2]", "--clusters", "4", "--distance", "ends=A:5-40,A:280-312",
                "--truth-maps", fx.maps.toString(), "--truth-labels", fx.labels.toString());
        assertEquals(0, c.exitCode(), c.err());
        String url = eval.resolve("report.html").toUri().toString();

        String dom = chromium(dir, List.of("--dump-dom", url), null);
        Matcher m = Pattern.compile("<svg[^>]*class=\"chart\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom);
        int charts = 0;
        while (m.find()) {
            charts++;
            String body = m.group(1);
            assertTrue(body.contains("class=\"series\"") || body.contains("class=\"point\"") || body.contains("class=\"bar\""),
                    "chart " + charts + " has drawn marks");
        }
        // loss, PCA scatter, PC1 density, distance, mean FSC, FSC histogram, volume FSC, segmentation
        assertEquals(8, charts, "every chart is in the rendered DOM");
        assertFalse(dom.contains("<script"), "self-contained, no scripts");
        assertFalse(dom.matches("(?s).*(src|href)=\"https?:.*"), "no network references");

        Path png = dir.resolve("report.png");
        chromium(dir, List.of("--screenshot=" + png, "--window-size=1200,3000", url), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
        assertTrue(colours.size() > 50, "a drawn page, not a blank one: " + colours.size() + " colours");
    }

    /** Runs headless Chromium with {@code args} (scratch files in {@code dir}); returns its standard output. */
    static String chromium(Path dir, List<String> args, Path expectFile) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chrome")));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.err").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.err")));
        if (expectFile != null) assertTrue(Files.size(expectFile) > 10_000, "screenshot written");
        return new String(out, StandardCharsets.UTF_8);
    }
}
