package io.waymark.sim.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class CascadeReportTest {
    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void writesOneSelfContainedHtmlFileWithOneSvgPerSeriesAndTheSameChartsAsFiles(@TempDir Path dir) throws Exception {
        CascadeResult r = CascadeScenario.run(CascadeOptions.asItWas(CascadeOptions.Algorithm.LEGACY, 3));
        Path html = CascadeReport.write(dir.resolve("out"), r);

        assertThat(html).exists().hasFileName("report.html");
        Document doc = parse(html);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("html");
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "svg").getLength()).isEqualTo(r.series().size());
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "polyline").getLength()).isEqualTo(r.series().size());
        String text = Files.readString(html);
        assertThat(text).doesNotContain("<script").doesNotContain("src=\"http").doesNotContain("href=\"http");
        // Pictures first: every chart comes before the table.
        assertThat(text.lastIndexOf("<svg")).isLessThan(text.indexOf("<table"));
        assertThat(text).contains("endpoint empty 23:48", "restored by hand 02:25", "CONGESTIVE COLLAPSE");

        for (Series s : r.series()) {
            Path svg = dir.resolve("out").resolve(s.key() + ".svg");
            Document chart = parse(svg);
            assertThat(chart.getDocumentElement().getNamespaceURI()).isEqualTo(SVG_NS);
            assertThat(chart.getDocumentElement().getLocalName()).isEqualTo("svg");
            assertThat(Files.readString(svg)).contains(s.title());
        }
    }

    @Test
    void comparesSeveralRunsOnSharedCharts(@TempDir Path dir) throws Exception {
        CascadeResult legacy = CascadeScenario.run(CascadeOptions.parse("legacy", "throttled", "on", 1));
        CascadeResult waymark = CascadeScenario.run(CascadeOptions.parse("waymark", "throttled", "on", 1));
        Document doc = parse(CascadeReport.write(dir, List.of(legacy, waymark)));
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "svg").getLength()).isEqualTo(legacy.series().size());
        assertThat(doc.getElementsByTagNameNS(SVG_NS, "polyline").getLength()).isEqualTo(2 * legacy.series().size());
    }
}
