package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SvgTest {
    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void lineChartMapsDataLinearlyIntoThePlotArea() throws Exception {
        double[] x = {0, 1, 2, 3}, y = {0, 1, 4, 9};
        Document d = parse(Svg.lineChart("loss", "epoch", "value <&>", List.of(new Svg.Series("a", x, y))));
        Element line = (Element) d.getElementsByTagName("polyline").item(0);
        String[] pts = line.getAttribute("points").split(" ");
        assertEquals(4, pts.length);
        double[] px = new double[4], py = new double[4];
        for (int i = 0; i < 4; i++) {
            px[i] = Double.parseDouble(pts[i].split(",")[0]);
            py[i] = Double.parseDouble(pts[i].split(",")[1]);
        }
        // equal x steps give equal pixel steps; y grows upwards, linearly
        assertEquals(px[1] - px[0], px[3] - px[2], 0.11);
        assertEquals((py[0] - py[2]) / 4, (py[0] - py[1]), 0.11);
        assertTrue(py[3] < py[0]);
    }

    @Test
    void histogramCountsEveryFiniteValueOnce() throws Exception {
        double[] v = {0, 0.1, 0.2, 0.9, 1.0, Double.NaN};
        Document d = parse(Svg.histogram("h", "x", v, 5));
        NodeList bars = d.getElementsByTagName("rect");
        int n = 0;
        for (int i = 0; i < bars.getLength(); i++) if ("bar".equals(((Element) bars.item(i)).getAttribute("class"))) n++;
        assertEquals(5, n);
    }

    @Test
    void scatterDrawsOnePointPerFiniteValueColouredByCategory() throws Exception {
        Document d = parse(Svg.scatter("s", "PC1", "PC2", new double[]{1, 2, 3}, new double[]{3, 2, Double.NaN},
                new int[]{0, 1, 1}, List.of("cluster 0", "cluster 1")));
        NodeList pts = d.getElementsByTagName("circle");
        assertEquals(2, pts.getLength());
        assertNotEquals(((Element) pts.item(0)).getAttribute("fill"), ((Element) pts.item(1)).getAttribute("fill"));
    }

    @Test
    void barChartDrawsOneBarPerFiniteValueWithHeightsProportional() throws Exception {
        Document d = parse(Svg.barChart("b", "Å", List.of("e1", "e2", "e3"), List.of(
                new Svg.Series("model", null, new double[]{1, 2, Double.NaN}),
                new Svg.Series("base", null, new double[]{4, 4, 4}))));
        NodeList rects = d.getElementsByTagName("rect");
        List<Element> bars = new java.util.ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++)
            if ("bar".equals(((Element) rects.item(i)).getAttribute("class"))) bars.add((Element) rects.item(i));
        assertEquals(5, bars.size());
        double h1 = Double.parseDouble(bars.get(0).getAttribute("height")), h2 = Double.parseDouble(bars.get(1).getAttribute("height"));
        double h4 = Double.parseDouble(bars.get(2).getAttribute("height"));
        assertEquals(2 * h1, h2, 0.2);
        assertEquals(4 * h1, h4, 0.3);
        assertEquals("base", bars.get(4).getAttribute("data-name"));
    }

    @Test
    void ticksAreRoundAndInsideTheRange() {
        List<Double> t = Svg.Axes.ticks(-0.03, 0.97);
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8), t);
        assertEquals("0.2", Svg.Axes.label(0.2));
        assertEquals("1.5e+05", Svg.Axes.label(150000));
    }

    @Test
    void legendSitsRightOfThePlotNotOverIt() throws Exception {
        double[] x = {0, 1, 2}, y = {1, 2, 3};
        String svg = Svg.lineChart("two", "x", "y", List.of(new Svg.Series("first", x, y), new Svg.Series("second", x, y)));
        Document d = parse(svg);
        Element root = d.getDocumentElement();
        int width = Integer.parseInt(root.getAttribute("width"));
        assertTrue(width > Svg.NORMAL.width(), "a legend column is added: " + width);
        NodeList rects = d.getElementsByTagName("rect");
        int swatches = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if (!"swatch".equals(e.getAttribute("class"))) continue;
            swatches++;
            assertTrue(Double.parseDouble(e.getAttribute("x")) >= Svg.NORMAL.width(), "swatch outside the plot frame");
        }
        assertEquals(2, swatches);
        // a single series needs no legend
        Document one = parse(Svg.lineChart("one", "x", "y", List.of(new Svg.Series("only", x, y))));
        assertEquals(String.valueOf(Svg.NORMAL.width()), one.getDocumentElement().getAttribute("width"));
    }

    @Test
    void guidesAreDrawnInsideTheRangeAndLabelled() throws Exception {
        double[] f = {0, 0.1, 0.2}, fsc = {1, 0.9, 0.8};
        String svg = Svg.lineChart(Svg.NORMAL, "fsc", "1/Å", "FSC", List.of(new Svg.Series("c", f, fsc)),
                List.of(new Svg.Guide(0.5, "0.5"), new Svg.Guide(0.143, "0.143")), null);
        Document d = parse(svg);
        NodeList lines = d.getElementsByTagName("line");
        List<Double> ys = new java.util.ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++) {
            Element e = (Element) lines.item(i);
            if ("guide".equals(e.getAttribute("class"))) ys.add(Double.parseDouble(e.getAttribute("y1")));
        }
        assertEquals(2, ys.size());
        // both inside the plot frame (TOP 28 … height − BOTTOM 48) although the curve stays above 0.8
        for (double y : ys) assertTrue(y > 28 && y < Svg.NORMAL.height() - 48, "guide at " + y);
        assertTrue(svg.contains(">0.143</text>"));
    }

    @Test
    void customTicksReplaceTheNumericOnes() throws Exception {
        double[] x = {0, 1, 2, 3}, y = {0, 1, 0, 1};
        String svg = Svg.lineChart(Svg.NORMAL, "t", "residue", "w", List.of(new Svg.Series("a", x, y)), List.of(),
                List.of(new Svg.Tick(0, "A:10"), new Svg.Tick(3, "B:1")));
        assertTrue(svg.contains(">A:10</text>") && svg.contains(">B:1</text>"));
        assertFalse(svg.contains(">0.5</text>"), "no numeric x ticks");
    }
}
