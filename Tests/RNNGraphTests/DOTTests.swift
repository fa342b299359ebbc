import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RNNGraph

/// DOT is pure text: compared byte for byte.
@Suite("DOT text")
struct DOTTests {
    @Test func writesSortedAttributesInInsertionOrder() {
        var g = DOTGraph(name: "g", attributes: ["rankdir": "LR", "bgcolor": "white"], nodeDefaults: ["shape": "box"])
        g.node("a", ["label": "A", "color": "red"])
        g.node("b")
        g.edge("a", "b", ["style": "dashed"])
        g.sameRank(["a", "b"])
        #expect(g.text == """
            digraph "g" {
              bgcolor="white";
              rankdir="LR";
              node [shape="box"];
              "a" [color="red", id="a", label="A"];
              "b" [id="b"];
              "a" -> "b" [id="edge_a__b", style="dashed"];
              {rank=same; "a"; "b"}
            }

            """)
    }

    @Test func escapesEverythingThatCouldBreakTheText() {
        #expect(DOT.quote(#"say "hi""#) == #""say \"hi\"""#)
        #expect(DOT.quote(#"back\slash"#) == #""back\\slash""#)
        #expect(DOT.quote("two\nlines") == #""two\nlines""#)
        #expect(DOT.quote("a < b & c > d") == #""a < b &amp; c > d""#)
        #expect(DOT.quote("&lt;not an entity&gt;") == #""&amp;lt;not an entity&amp;gt;""#)
        #expect(DOT.quote("bell\u{07}tab\t") == #""belltab""#)
        #expect(DOT.quote("은닉 상태 h₃") == "\"은닉 상태 h₃\"")
        #expect(DOT.quote(#"\"#) == #""\\""#)
    }

    @Test func idsAreSafeForSVG() {
        #expect(DOT.id("gate", "f", 3) == "gate_f_3")
        #expect(DOT.id("h", "x<y>", "상태") == "h_x_y____")
    }

    @Test func hostileLabelsStillRenderToValidSVG() throws {
        let nasty = "quote \" backslash \\ angle <b> amp & entity &amp; newline\nend } ]; digraph"
        var g = DOTGraph(name: nasty)
        g.node("n", ["label": nasty, "tooltip": nasty])
        g.node("m", ["label": "한국어 레이블"])
        g.edge("n", "m", ["label": nasty])
        let svg = try Graphviz.svg(fromDOT: g.text)
        let doc = try XMLParserCheck.parse(svg)
        #expect(doc.texts.contains("quote \" backslash \\ angle <b> amp & entity &amp; newline"))
        #expect(doc.texts.contains("end } ]; digraph"))
        #expect(doc.texts.contains("한국어 레이블"))
    }
}

/// Parses SVG as XML (any malformed markup throws) and collects its text nodes.
final class XMLParserCheck: NSObject, XMLParserDelegate {
    var texts: [String] = []
    private var current = ""
    private var inText = false

    static func parse(_ svg: String) throws -> XMLParserCheck {
        let check = XMLParserCheck()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = check
        guard parser.parse() else {
            throw NSError(domain: "svg", code: 1, userInfo: [NSLocalizedDescriptionKey: parser.parserError?.localizedDescription ?? "invalid XML"])
        }
        return check
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "text" { inText = true; current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current); inText = false }
    }
}
