import Foundation
import RNNCore

/// Subject–verb agreement (course notes 04: the verb after a long relative clause agrees with
/// the subject before it). A sentence is a subject noun followed by `distance` filler words; the
/// class at the end is the verb the subject needs, was or were.
///
/// ```
/// mice   the old farmer saw near …   → were      (plural subject)
/// goose  a quiet river after dark …  → was       (singular subject)
/// ```
///
/// The fillers are drawn uniformly and independently of the subject, and none of them marks
/// number (no is/are, it/they, its/their), so nothing but the first word tells the answer.
/// The plurals are irregular on purpose: a network reads each word as one symbol, so "mice"
/// shares nothing with "mouse" anyway, and a reader should not think an -s ending is the cue.
/// The vocabulary was written for rnnlab.
enum Agreement {
    static let singular = ["child", "mouse", "goose", "wolf"]
    static let plural = ["children", "mice", "geese", "wolves"]
    static let fillers = ["that", "the", "old", "farmer", "saw", "near", "a", "quiet",
                          "river", "after", "dark", "under", "tall", "green", "hill", "by"]
    /// Input symbols in one-hot order: the subjects, singular first, then the fillers.
    static let vocabulary = singular + plural + fillers
    static let classNames = ["was", "were"]
    static var subjects: Int { singular.count + plural.count }

    /// The verb class of subject id `s`: 0 (was) for a singular noun, 1 (were) for a plural one.
    static func verb(_ s: Int) -> Int { s < singular.count ? 0 : 1 }

    /// How many different sentences have `distance` fillers (saturating at Int.max).
    static func sentences(distance: Int) -> Int {
        var n = subjects
        for _ in 0..<distance {
            let (p, o) = n.multipliedReportingOverflow(by: fillers.count)
            if o { return .max }
            n = p
        }
        return n
    }
}

/// Person names that only the next word can tell (course notes 04's "Teddy bears" against
/// "Teddy Roosevelt"): a tag per word, `name` or `other` (xent_all). A sentence of
/// `NameTagging.length` words is a prefix (0–3 words), an ambiguous word, the word that settles
/// it (a surname, or a noun that makes the pair a thing) and the start of a phrase that suits
/// the reading.
///
/// ```
/// he said   teddy roosevelt was a great president     → other other  name  name  other …
/// he said   teddy bears     are on sale at            → other other  other other other …
/// ```
///
/// The prefix, and so the ambiguous word's position, is drawn independently of the reading, so
/// a reader that has seen only the words up to the ambiguous one can do no better than chance
/// on it; the prefixes hold unambiguous names (anna, omar) so that tagging a name is not the
/// same as spotting the ambiguous words. The vocabulary was written for rnnlab.
enum NameTagging {
    static let length = 8
    static let prefixes: [[String]] = [
        [], ["yesterday"], ["look"], ["he", "said"], ["she", "wrote"], ["anna", "said"], ["omar", "wrote"],
        ["they", "say"], ["i", "heard", "that"], ["we", "read", "that"], ["anna", "told", "omar"], ["the", "radio", "said"],
    ]
    static let names: Set<String> = ["anna", "omar"]
    static let ambiguousWords = ["teddy", "jack", "rose", "ruby", "april"]
    static let surnames = ["roosevelt", "london", "grant", "walker", "kelly", "moore"]
    static let nouns = ["bears", "rabbits", "bushes", "rings", "showers", "cakes"]
    /// What follows a person and what follows a thing; each six words long, first words distinct,
    /// cut to fit the sentence.
    static let personPhrases: [[String]] = [
        ["was", "a", "great", "president", "of", "the"], ["wrote", "many", "books", "about", "the", "sea"],
        ["lived", "in", "this", "town", "for", "years"], ["spoke", "to", "the", "crowd", "last", "night"],
        ["smiled", "at", "us", "from", "the", "stage"],
    ]
    static let thingPhrases: [[String]] = [
        ["are", "on", "sale", "at", "the", "market"], ["were", "cheap", "in", "the", "shop", "today"],
        ["grow", "well", "in", "the", "garden", "here"], ["sold", "out", "before", "the", "fair", "began"],
        ["fell", "from", "the", "shelf", "last", "week"],
    ]
    static let classNames = ["other", "name"]
    static let other = 0, name = 1

    /// Every word once, in the order the lists above give them.
    static let vocabulary: [String] = {
        var seen = Set<String>(), words: [String] = []
        for w in prefixes.flatMap({ $0 }) + ambiguousWords + surnames + nouns + personPhrases.flatMap({ $0 }) + thingPhrases.flatMap({ $0 })
        where seen.insert(w).inserted { words.append(w) }
        return words
    }()
    static let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })

    /// The choices a sentence is made of: prefix, ambiguous word, reading (0 thing, 1 person),
    /// the settling word, the phrase. Different choices always give different sentences.
    static let radices = [prefixes.count, ambiguousWords.count, 2, surnames.count, personPhrases.count]
    static var sentences: Int { radices.reduce(1, *) }

    /// The sentence, its tags and the ambiguous word's step for one choice of each.
    static func sentence(_ c: [Int]) -> (tokens: [Int], tags: [Int], ambiguous: Int) {
        let prefix = prefixes[c[0]], person = c[2] == 1
        let settling = person ? surnames[c[3]] : nouns[c[3]]
        let phrase = (person ? personPhrases : thingPhrases)[c[4]].prefix(length - prefix.count - 2)
        let words = prefix + [ambiguousWords[c[1]], settling] + phrase
        let tags = prefix.map { names.contains($0) ? name : other } + [person ? name : other, person ? name : other]
            + phrase.map { _ in other }
        return (words.map { index[$0] ?? 0 }, tags, prefix.count)
    }
}

extension Dataset {
    /// Draws sentences given by choices of `radices`, none in `excluding` and none twice:
    /// up to 16 random draws, then (rarely, and always ending) the next free choice counting up
    /// from the last draw, the last choice fastest. The data cell refuses counts that would
    /// leave fewer than half the sentences free, so the walk is short.
    static func distinct(_ radices: [Int], excluding: inout Set<[Int]>, rng: inout SplitMix64,
                         tokens: ([Int]) -> [Int]) -> [Int] {
        var choice = radices.map { Int(rng.next() % UInt64($0)) }
        for _ in 0..<16 {
            if !excluding.contains(tokens(choice)) { break }
            choice = radices.map { Int(rng.next() % UInt64($0)) }
        }
        var capacity = 1
        for r in radices { capacity = capacity.multipliedReportingOverflow(by: r).overflow ? .max : capacity * r }
        var steps = 0
        while excluding.count < capacity && excluding.contains(tokens(choice)) && steps < capacity {
            steps += 1
            var k = radices.count - 1
            while k >= 0 {
                choice[k] += 1
                if choice[k] < radices[k] { break }
                choice[k] = 0
                k -= 1
            }
        }
        excluding.insert(tokens(choice))
        return choice
    }

    /// Subject–verb agreement sentences; the fillers of sentence i number `distances[i mod n]`.
    static func agreement(name: String, count: Int, distances: [Int], excluding: Set<[Int]>, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "agreement", loss: .xentLast, inputSize: Agreement.vocabulary.count, outputSize: 2)
        var taken = excluding
        let S = Agreement.subjects
        for i in 0..<count {
            let k = distances[i % distances.count]
            let radices = [S] + Array(repeating: Agreement.fillers.count, count: k)
            let choice = distinct(radices, excluding: &taken, rng: &rng) { [$0[0]] + $0.dropFirst().map { S + $0 } }
            d.tokens.append([choice[0]] + choice.dropFirst().map { S + $0 })
            d.targets.append(.classes([Agreement.verb(choice[0])]))
        }
        d.vocabulary = Agreement.vocabulary
        d.classNames = Agreement.classNames
        return d
    }

    /// Name-tagging sentences, each different from the others and from `excluding`.
    static func nameTagging(name: String, count: Int, excluding: Set<[Int]>, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "name_tagging", loss: .xentAll, inputSize: NameTagging.vocabulary.count, outputSize: 2)
        var taken = excluding
        for _ in 0..<count {
            let choice = distinct(NameTagging.radices, excluding: &taken, rng: &rng) { NameTagging.sentence($0).tokens }
            let s = NameTagging.sentence(choice)
            d.tokens.append(s.tokens)
            d.targets.append(.classes(s.tags))
            d.ambiguous.append([s.ambiguous])
        }
        d.vocabulary = NameTagging.vocabulary
        d.classNames = NameTagging.classNames
        return d
    }
}
