package dev.qlens.cli.plot;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** An SVG parsed as XML (namespace-aware, so a malformed or non-SVG document fails), with the queries tests need. */
final class SvgDoc {
    static final String NS = "http://www.w3.org/2000/svg";
    final Document doc;

    SvgDoc(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        if (!NS.equals(doc.getDocumentElement().getNamespaceURI()) || !doc.getDocumentElement().getLocalName().equals("svg")) {
            throw new AssertionError("not an SVG root: " + doc.getDocumentElement().getTagName());
        }
    }

    /** The groups {@code <g class="cls">}. */
    List<Element> groups(String cls) {
        List<Element> out = new ArrayList<>();
        NodeList gs = doc.getElementsByTagNameNS(NS, "g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (g.getAttribute("class").equals(cls)) {
                out.add(g);
            }
        }
        return out;
    }

    /** The data-series names of the series groups, in order. */
    List<String> seriesNames() {
        List<String> out = new ArrayList<>();
        groups("series").forEach(g -> out.add(g.getAttribute("data-series")));
        return out;
    }

    /** The axis group of "x" or "y". */
    Element axis(String which) {
        for (Element g : groups("axis")) {
            if (g.getAttribute("data-axis").equals(which)) {
                return g;
            }
        }
        throw new AssertionError("no " + which + " axis");
    }

    /** Every text element's content. */
    List<String> texts() {
        List<String> out = new ArrayList<>();
        NodeList ts = doc.getElementsByTagNameNS(NS, "text");
        for (int i = 0; i < ts.getLength(); i++) {
            out.add(ts.item(i).getTextContent());
        }
        return out;
    }

    /** Elements of a name below a node. */
    static int count(Element parent, String name) {
        return parent.getElementsByTagNameNS(NS, name).getLength();
    }
}
