import Foundation
import Testing

/// `rnnlab graph` as a user runs it.
@Suite("rnnlab graph")
struct GraphCommandTests {
    func files() throws -> URL {
        let dir = try CLI.scratch()
        try Data(TraceCommandTests.model.utf8).write(to: dir.appendingPathComponent("model.json"))
        try Data(TraceCommandTests.sequence.utf8).write(to: dir.appendingPathComponent("seq.json"))
        return dir
    }

    @Test(arguments: ["unrolled", "cell", "gradient", "shapes", "deep"])
    func everyKindRenders(kind: String) throws {
        let dir = try files()
        let r = try CLI.run(["graph", "model.json", "seq.json", "--kind", kind, "-o", "\(kind).svg"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let svg = try String(contentsOf: dir.appendingPathComponent("\(kind).svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("</svg>"))
        let again = try CLI.run(["graph", "model.json", "seq.json", "--kind", kind], in: dir)
        #expect(String(decoding: again.stdout, as: UTF8.self) == svg, "deterministic across processes")
    }

    @Test func dotAndKoreanAndGates() throws {
        let dir = try files()
        let dot = try CLI.run(["graph", "model.json", "--format", "dot", "--steps", "3", "--gates", "--lang", "ko"], in: dir)
        let text = String(decoding: dot.stdout, as: UTF8.self)
        #expect(dot.status == 0)
        #expect(text.hasPrefix("digraph") && text.contains("gate_f_3") && text.contains("시간에 따라 펼친 네트워크"))
    }

    @Test func badInput() throws {
        let dir = try files()
        let unknown = try CLI.run(["graph", "model.json", "--kind", "pie"], in: dir)
        #expect(unknown.status == 64)
        let noSequence = try CLI.run(["graph", "model.json", "--kind", "gradient"], in: dir)
        #expect(noSequence.status == 64)
        #expect(noSequence.stderr.contains("SEQUENCE"))
        let missing = try CLI.run(["graph", "nope.json"], in: dir)
        #expect(missing.status == 1 && missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("nope.json"))
        try Data("{\"cell\": \"lstm\"".utf8).write(to: dir.appendingPathComponent("broken.json"))
        let broken = try CLI.run(["graph", "broken.json", "-o", "out.svg"], in: dir)
        #expect(broken.status == 1 && broken.stderr.contains("broken.json"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.svg").path))
    }
}
