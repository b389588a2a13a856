package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgTimelineRendererTest {
    /** The committed picture; regenerate with {@code PPC_UPDATE_DOCS=1 mvn -pl schedule test}. */
    private static final String FIGURE = "docs/schedule-1f1b-p4-m8.svg";

    private static SimulationResult oneFOneB() {
        return ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 4, 8, 1), Costs.DEFAULT);
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("schedule")) ? here : here.getParent();
    }

    @Test
    void committedFigureIsWhatTheRendererDraws() throws Exception {
        String svg = SvgTimelineRenderer.render(oneFOneB());
        Path file = repositoryRoot().resolve(FIGURE);
        if ("1".equals(System.getenv("PPC_UPDATE_DOCS"))) Files.writeString(file, svg, StandardCharsets.UTF_8);
        assertTrue(Files.exists(file), FIGURE + " is missing; regenerate it with PPC_UPDATE_DOCS=1 mvn -pl schedule test");
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), svg,
                FIGURE + " is out of date; regenerate it with PPC_UPDATE_DOCS=1 mvn -pl schedule test");
    }

    @Test
    void drawsOneBoxPerPassWithItsMicrobatch() throws Exception {
        Document doc = parse(SvgTimelineRenderer.render(oneFOneB()));
        Map<String, List<Element>> boxesByFill = new HashMap<>();
        NodeList rects = doc.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element rect = (Element) rects.item(i);
            if (rect.getElementsByTagName("title").getLength() == 1) boxesByFill.computeIfAbsent(rect.getAttribute("fill"), k -> new ArrayList<>()).add(rect);
        }
        List<Element> forwards = boxesByFill.get("#9dc3e6");
        List<Element> backwards = boxesByFill.get("#a9d18e");
        assertEquals(32, forwards.size());
        assertEquals(32, backwards.size());
        // A backward (B = I + W = 2) is drawn twice as wide as a forward (F = 1), as in Megatron's figure.
        assertEquals(2 * Double.parseDouble(forwards.get(0).getAttribute("width")), Double.parseDouble(backwards.get(0).getAttribute("width")), 1e-9);
        // Core 3's first forward starts after three forwards' worth of pipeline fill.
        Element first = forwards.stream().filter(r -> r.getTextContent().equals("F(stage 3, mb 0)")).findFirst().orElseThrow();
        double x0 = 64;
        assertEquals(x0 + 3 * Double.parseDouble(first.getAttribute("width")), Double.parseDouble(first.getAttribute("x")), 1e-9);
        List<String> labels = new ArrayList<>();
        NodeList texts = doc.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) labels.add(texts.item(i).getTextContent());
        assertTrue(labels.contains("1f1b: 4 stages on 4 cores, 8 microbatches, training"), labels.toString());
        assertTrue(labels.contains("costs F=1 B=1 W=1 comm=0; makespan 33, bubble 3/11 = 27.3%"), labels.toString());
        assertEquals(8, labels.stream().filter("7"::equals).count()); // mb 7: F and B on each of 4 cores
        assertTrue(labels.containsAll(List.of("core 0", "core 3", "forward", "backward")));
    }

    @Test
    void laterStagesOfACoreAreDarker() throws Exception {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.INTERLEAVED, 2, 2, 2), Costs.DEFAULT);
        String svg = SvgTimelineRenderer.render(r);
        parse(svg);
        assertTrue(svg.contains("fill=\"#9dc3e6\" stroke=\"#404040\" stroke-width=\"0.8\"><title>F(stage 0, mb 0)</title>"), svg);
        assertTrue(svg.contains("fill=\"#7a98b3\" stroke=\"#404040\" stroke-width=\"0.8\"><title>F(stage 2, mb 0)</title>"), svg);
        assertTrue(svg.contains("darker: later stages of a core"));
    }

    @Test
    void zeroBubbleShowsWeightGradientsInTheirOwnColour() throws Exception {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.ZB_H1, 3, 4, 1), Costs.DEFAULT);
        String svg = SvgTimelineRenderer.render(r);
        parse(svg);
        assertEquals(12, svg.split("fill=\"#f4b183\" stroke=\"#404040\" stroke-width=\"0.8\"><title>W\\(", -1).length - 1);
        assertTrue(svg.contains(">backward, weight gradient<"));
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
