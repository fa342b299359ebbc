import Foundation
import Testing
@testable import Lessons
@testable import Reports
@testable import RNNCore

/// The word tasks: `agreement` (was/were after a clause) and `name_tagging` (a tag per word,
/// an ambiguous name settled by the next word). Targets recomputed here from the words, the
/// independence that makes each task honest, sentences that never repeat, the located errors,
/// and the values and tables a lesson reads.
extension DatasetTests {
    func words(_ d: Dataset, _ k: Int) -> [String] { d.tokens[k].map { d.vocabulary[$0] } }
    func classes(_ t: Targets) -> [Int] { if case .classes(let c) = t { return c } else { return [] } }

    // MARK: - agreement

    @Test func agreementTheVerbFollowsTheSubjectAlone() throws {
        let d = try data("{task: agreement, count: 2000, distance: [3, 12, 30]}")
        #expect(d.inputSize == 24 && d.outputSize == 2 && d.loss == .xentLast && d.lengths == [4, 13, 31])
        #expect(d.classNames == ["was", "were"] && d.vocabulary.count == 24)
        var fillerCounts: [[Int]] = [Array(repeating: 0, count: 24), Array(repeating: 0, count: 24)]
        var perSubject: [String: Set<Int>] = [:]
        for k in 0..<d.count {
            let w = words(d, k), c = classes(d.targets[k])
            #expect(c.count == 1)
            let verb = c.first ?? -1
            #expect(Agreement.singular.contains(w[0]) ? verb == 0 : Agreement.plural.contains(w[0]) && verb == 1, "\(w)")
            #expect(w.dropFirst().allSatisfy(Agreement.fillers.contains), "only fillers after the subject")
            perSubject[w[0], default: []].insert(verb)
            for id in d.tokens[k].dropFirst() { fillerCounts[verb][id] += 1 }
        }
        #expect(perSubject.count == 8 && perSubject.values.allSatisfy { $0.count == 1 }, "the subject decides, and every subject occurs")
        // The fillers carry no information: each filler is as frequent after a singular subject
        // as after a plural one (frequencies within the words of each class).
        let totals = fillerCounts.map { Double($0.reduce(0, +)) }
        for id in 8..<24 {
            let a = Double(fillerCounts[0][id]) / totals[0], b = Double(fillerCounts[1][id]) / totals[1]
            #expect(abs(a - b) < 0.01, "filler \(d.vocabulary[id]): \(a) against \(b)")
        }
        let singular = d.targets.filter { classes($0) == [0] }.count
        #expect(abs(Double(singular) / Double(d.count) - 0.5) < 0.05)
    }

    @Test func agreementIsDeterministicAndHeldOutSentencesAreNew() throws {
        func fingerprint(_ d: Dataset) -> String { "\(d.tokens) \(d.targets) " + (d.test.map(fingerprint) ?? "") }
        let options = "task: agreement, count: 300, distance: [2, 3]"
        let a = try data("{\(options), test: 200}"), b = try data("{\(options), test: 200}")
        let c = try data("{\(options), test: 200, seed: 9}")
        #expect(fingerprint(a) == fingerprint(b))
        #expect(fingerprint(a) != fingerprint(c))
        // Distance 2 has 2,048 sentences: 150 training and 100 test ones there would collide
        // often if drawn freely.
        let test = try #require(a.test)
        #expect(Set(a.tokens).count == a.count && Set(test.tokens).count == test.count, "no sentence twice")
        #expect(Set(a.tokens).isDisjoint(with: Set(test.tokens)))
        #expect(test.classNames == ["was", "were"] && test.vocabulary == a.vocabulary)
        let split = try data("{task: agreement, count: 120, distance: 2, split: 0.25}")
        #expect(Set(split.tokens).isDisjoint(with: Set(split.test?.tokens ?? [])) && split.test?.count == 30)
        // The training part is the same with or without a test part.
        #expect(try data("{\(options)}").tokens == a.tokens)
    }

    @Test func agreementTestsAtDistancesNotTrainedOn() throws {
        let d = try define("{name: agr, task: agreement, count: 40, distance: [6, 10], test: {count: 30, distance: [8, 40]}}")
        #expect(d.data.lengths == [7, 11] && d.data.test?.lengths == [9, 41] && d.data.test?.count == 30)
        #expect(d.note.contains("held out for testing: 30 sequences of 9, 41 steps"), "\(d.note)")
        #expect(d.note.contains("vocabulary: child mouse goose wolf children mice geese wolves that the"), "\(d.note)")
        #expect(d.data.withLength?(21).lengths == [21] && d.data.withLength?(21).test?.lengths == [9, 41])
        #expect(try data("{task: agreement}").lengths == [11], "ten fillers by default")
    }

    @Test func agreementOptionsAreCheckedWhereTheyStand() {
        #expect(failure("{task: agreement, distance: -1}") == "lesson.md:1: data.distance: must be at least 0, not -1")
        #expect(failure("{task: agreement, distance: []}") == "lesson.md:1: data.distance: needs at least one length")
        #expect(failure("{task: agreement, distance: [4, x]}").hasPrefix("lesson.md:1: data.distance[1]:"))
        #expect(failure("{task: agreement, length: 5}").hasPrefix("lesson.md:1: data.length: is not an option of task agreement (its options: name, task, seed, split, count, distance, test)"))
        #expect(failure("{task: agreement, test: {length: 5}}").hasPrefix("lesson.md:1: data.test.length: is not a known option here"))
        #expect(failure("{task: agreement, count: 100, distance: 1}") == "lesson.md:1: data.count: agreement has 128 different sentences at distance 1; the training part draws 100, more than the half (64) that can be drawn so that no sentence repeats (use fewer sequences or a longer distance)")
        #expect(failure("{task: agreement, count: 20, distance: [1, 5], test: 200}").hasPrefix("lesson.md:1: data.test: agreement has 128 different sentences at distance 1; the training part draws 10 and the test part 100"))
        #expect(failure("{task: agreement, count: 10, distance: 0}").contains("8 different sentences at distance 0"))
        #expect(failure("{task: agreement, count: 100000, distance: 100000}").hasPrefix("lesson.md:1: data.count: count × length × x_t size = 100,000 × 100,001 × 24"))
    }

    // MARK: - name_tagging

    @Test func nameTaggingOnlyTheNextWordSettlesTheAmbiguousOne() throws {
        let d = try data("{task: name_tagging, count: 1500}")
        #expect(d.inputSize == NameTagging.vocabulary.count && d.outputSize == 2 && d.loss == .xentAll && d.lengths == [8])
        #expect(d.classNames == ["other", "name"] && d.ambiguous.count == d.count)
        #expect(NameTagging.surnames.count == NameTagging.nouns.count && NameTagging.personPhrases.count == NameTagging.thingPhrases.count)
        // What a forward reader has seen up to and including the ambiguous word, against its tags.
        var seenBefore: [[Int]: Set<Int>] = [:]
        var positions: [[Int]] = [[], []]
        for k in 0..<d.count {
            let w = words(d, k), tags = classes(d.targets[k])
            let p = try #require(d.ambiguous[k].first)
            #expect(d.ambiguous[k].count == 1 && tags.count == 8)
            #expect(NameTagging.ambiguousWords.contains(w[p]) && !w[..<p].contains(where: NameTagging.ambiguousWords.contains))
            let person = NameTagging.surnames.contains(w[p + 1])
            #expect(person || NameTagging.nouns.contains(w[p + 1]))
            #expect(tags[p] == (person ? 1 : 0) && tags[p + 1] == tags[p], "\(w) \(tags)")
            for (i, word) in w.enumerated() where i != p && i != p + 1 {
                #expect(tags[i] == (NameTagging.names.contains(word) ? 1 : 0), "\(word) in \(w)")
            }
            seenBefore[Array(d.tokens[k][...p]), default: []].insert(tags[p])
            positions[tags[p]].append(p)
        }
        // Every opening and ambiguous word seen with both readings: reading up to it cannot tell.
        #expect(seenBefore.count == NameTagging.prefixes.count * NameTagging.ambiguousWords.count)
        #expect(seenBefore.values.allSatisfy { $0 == [0, 1] })
        #expect(Set(positions[0]) == [0, 1, 2, 3] && Set(positions[1]) == [0, 1, 2, 3], "the position varies")
        let meanPosition = positions.map { Double($0.reduce(0, +)) / Double($0.count) }
        #expect(abs(meanPosition[0] - meanPosition[1]) < 0.15, "and does not depend on the reading: \(meanPosition)")
        #expect(abs(Double(positions[1].count) / Double(d.count) - 0.5) < 0.05)
    }

    @Test func nameTaggingSentencesNeverRepeatAndOptionsAreChecked() throws {
        let d = try data("{task: name_tagging, count: 1200, test: 600}")
        let test = try #require(d.test)
        #expect(Set(d.tokens).count == 1200 && Set(test.tokens).count == 600 && Set(d.tokens).isDisjoint(with: Set(test.tokens)))
        #expect(test.ambiguous.count == 600 && test.classNames == d.classNames)
        let split = try data("{task: name_tagging, count: 100, split: 0.2}")
        #expect(split.ambiguous.count == 80 && split.test?.ambiguous.count == 20)
        #expect(split.test.map { zip($0.ambiguous, $0.tokens).allSatisfy { NameTagging.ambiguousWords.contains(NameTagging.vocabulary[$1[$0[0]]]) } } == true)
        #expect(failure("{task: name_tagging, count: 2000}") == "lesson.md:1: data.count: name_tagging has \(NumberFormat.grouped(NameTagging.sentences)) different sentences of 8 words; the training part draws 2,000, more than the half (\(NumberFormat.grouped(NameTagging.sentences / 2))) that can be drawn so that no sentence repeats (use fewer sequences)")
        #expect(failure("{task: name_tagging, count: 1000, test: 1000}").hasPrefix("lesson.md:1: data.test: name_tagging has"))
        #expect(failure("{task: name_tagging, distance: 3}").hasPrefix("lesson.md:1: data.distance: is not an option of task name_tagging (its options: name, task, seed, split, count, test)"))
        #expect(failure("{task: name_tagging, test: {count: 5, length: 9}}").hasPrefix("lesson.md:1: data.test.length: is not a known option here"))
        #expect(failure("{task: name_tagging, test: {count: 0}}").hasPrefix("lesson.md:1: data.test.count: must be at least 1"))
    }

    // MARK: - In a lesson

    @Test func evaluateAndCompareReportTheAmbiguousWordsAndPredictionsNameThem() throws {
        let text = LessonTests.header + """
            ```rnnlab
            data: {name: tags, task: name_tagging, count: 120, test: 60}
            model: {name: f, cell: rnn, input_size: 80, hidden_size: 4, output_size: 2}
            train: {epochs: 2}
            evaluate: {model: f}
            show: {what: predictions, model: f, index: 2}
            compare: {name: c, data: tags, model: {cell: rnn, input_size: 80, hidden_size: 4, output_size: 2}, variants: {fw: {}, bi: {bidirectional: true}}, seeds: 2, train: {epochs: 1}}
            ```

            ```rnnlab
            data: {name: agr, task: agreement, count: 40, distance: [3, 20], test: 20}
            model: {name: a, cell: gru, input_size: 24, hidden_size: 4, output_size: 2}
            train: {model: a, data: agr, epochs: 1}
            show: {what: predictions, model: a, count: 2}
            ```
            """
        let report = LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: "lesson.md"))
        #expect(report.error == nil, "\(report.error ?? "")")
        let values = try #require(try JSONSerialization.jsonObject(with: Data((report.values ?? "").utf8)) as? [String: Any])
        #expect(values["f.test.ambiguous.count"] as? Double == 60)
        for key in ["f.test.ambiguous.accuracy", "f.test.unambiguous.accuracy", "f.test.baseline.majority_ambiguous",
                    "c.fw.test.ambiguous.accuracy", "c.bi.test.ambiguous.accuracy.min", "c.fw.test.unambiguous.accuracy.all",
                    "c.baseline.majority_ambiguous"] {
            #expect(values[key] != nil, "\(key)")
        }
        #expect(values["a.test.ambiguous.accuracy"] == nil, "only tagging data has ambiguous words")
        var tables: [Table] = []
        for case .cell(let cell) in report.blocks { for case .table(let t) in cell.outputs { tables.append(t) } }
        #expect(tables.first?.headers.last == "accuracy on the 60 ambiguous words")
        let tagging = try #require(tables.first { $0.headers.first == "t" })
        #expect(tagging.rows.count == 8 && tagging.rows.allSatisfy { ["name", "other"].contains($0[2]) && NameTagging.vocabulary.contains($0[1]) })
        #expect(tagging.rows.allSatisfy { $0[3].hasPrefix("name ") || $0[3].hasPrefix("other ") })
        let verbs = try #require(tables.last)
        #expect(verbs.headers.prefix(3) == ["#", "input", "target"])
        #expect(verbs.rows.count == 2 && verbs.rows.allSatisfy { ["was", "were"].contains($0[2]) })
        #expect(verbs.rows[0][1].split(separator: " ").count == 4, "a short sentence in full: \(verbs.rows[0][1])")
        #expect(verbs.rows[1][1].hasSuffix("(21 words)") && verbs.rows[1][1].contains(" … "), "a long one shortened: \(verbs.rows[1][1])")
        #expect(Agreement.vocabulary.contains(String(verbs.rows[1][1].split(separator: " ")[0])))
        let compare = try #require(tables.first { $0.caption?.hasPrefix("c:") == true })
        #expect(compare.headers.contains("on the ambiguous words (median, range)"))
    }
}
