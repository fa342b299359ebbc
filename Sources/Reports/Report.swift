/// A lesson's report as data: prose and cells with their outputs, in order. Written as
/// Markdown (`report.md` + figure files) and as one self-contained HTML page (`index.html`).
public struct Report: Sendable {
    /// The output folder's name (the lesson file's name without `.md`).
    public var name: String
    public var title: String
    /// `en` or `ko`: the page's language and its interface labels.
    public var language: String
    public var summary: String
    /// Whether handouts show each cell's source (front matter `show_code`).
    public var showCode: Bool
    public var blocks: [Block] = []
    /// The first error, as `lesson.md:LINE: message`, when the lesson stopped.
    public var error: String?
    /// `values.json`: every named value of the run (deterministic).
    public var values: String?
    /// `timings.json`: wall-clock seconds of timed work, the one thing that differs between runs,
    /// so it stays out of the report itself; the page shows it through `timings.js` beside it.
    public var timings: String?
    /// The lesson's seed (front matter `seed`), shown in the printed footer; nil when the lesson
    /// could not be read.
    public var seed: UInt64?
    /// The rnnlab version that made the report, shown in the printed footer.
    public var version: String?
    /// The lesson's file name (no folder), kept in `meta.json` so that two lessons never take
    /// turns overwriting one report folder.
    public var lesson: String?
    /// The curriculum part (front matter `topic`), for the index.
    public var topic = ""
    /// Links to the lessons before and after this one (same language) and to its version in
    /// the other language, as report folder names with their titles.
    public var navigation = Navigation()

    public struct Navigation: Sendable, Equatable {
        public struct Link: Sendable, Equatable {
            public var folder: String, title: String, language: String
            public init(folder: String, title: String, language: String) {
                self.folder = folder
                self.title = title
                self.language = language
            }
        }
        public var previous: Link?, next: Link?, otherLanguage: Link?
        public init(previous: Link? = nil, next: Link? = nil, otherLanguage: Link? = nil) {
            self.previous = previous
            self.next = next
            self.otherLanguage = otherLanguage
        }
    }

    public init(name: String, title: String, language: String, summary: String, showCode: Bool = true) {
        self.name = name
        self.title = title
        self.language = language
        self.summary = summary
        self.showCode = showCode
    }

    public enum Block: Sendable {
        case prose(String)
        case cell(CellBlock)
        /// An exercise starts: its number (1, 2, … in the lesson) and title (text, `$…$` math).
        /// The blocks after it are its task, up to `.solution`; `.endExercise` closes it.
        case exercise(number: Int, title: String)
        /// The exercise's solution starts: folded on the page, left out of the students'
        /// handout, printed in the instructor's.
        case solution
        /// The solution's short answer starts, which the answer key at the end repeats.
        case answer
        case endExercise
    }
}

/// One executed cell: its source, where it was, and what it produced.
public struct CellBlock: Sendable {
    public var line: Int
    public var source: String
    public var outputs: [Output] = []
    /// Set when this cell failed; the lesson stops here.
    public var error: String?

    public init(line: Int, source: String) {
        self.line = line
        self.source = source
    }
}

/// Something a cell shows.
public enum Output: Sendable {
    /// A short result line (Markdown inline).
    case note(String)
    /// Preformatted text (generated samples, logs).
    case text(String)
    case table(Table)
    case figure(Figure)
    /// An interactive widget: its HTML (self-contained) and what the Markdown report shows instead.
    case widget(html: String, markdown: String)
    /// A measured time: `label` and the keys of `timings.json` it shows (filled in by the page
    /// from `timings.js`; report.md points to timings.json).
    case timing(label: String, keys: [(key: String, label: String)])
}

public struct Table: Sendable {
    public var caption: String?
    public var headers: [String]
    public var rows: [[String]]
    /// Columns to right-align (numbers).
    public var numeric: Set<Int>
    /// Whether `$…$` in cells is math (captions and headers always may hold math); off for
    /// tables of data, such as generated text, whose dollars are dollars.
    public var mathCells = false

    public init(caption: String? = nil, headers: [String], rows: [[String]], numeric: Set<Int> = []) {
        self.caption = caption
        self.headers = headers
        self.rows = rows
        self.numeric = numeric
    }
}

/// One entry of a figure's colour key, set under the drawing.
public struct LegendEntry: Sendable, Equatable {
    public enum Kind: String, Sendable { case fill, line, dashedLine, dashedBox, ramp }
    /// A CSS colour (for `ramp`, a CSS gradient).
    public var color: String
    public var label: String
    public var kind: Kind

    public init(color: String, label: String, kind: Kind) {
        self.color = color
        self.label = label
        self.kind = kind
    }
}

/// One drawing of a figure, for the widths it reads at without scrolling.
public struct FigureVariant: Sendable {
    /// The SVG (without the figure's title, which the page shows above it).
    public var svg: String
    /// The widths this drawing is shown at.
    public var widths: [FitWidth]
    /// How many time steps it draws.
    public var steps: Int

    public init(svg: String, widths: [FitWidth], steps: Int) {
        self.svg = svg
        self.widths = widths
        self.steps = steps
    }
}

public struct Figure: Sendable {
    /// Stable id, also the figure's file name in the Markdown report (`fig-03.svg`).
    public var id: String
    public var svg: String
    /// Shown under the figure (may be empty).
    public var caption: String
    /// The text alternative for the Markdown image (the SVG carries its own <title>/<desc>).
    public var alt: String
    /// The stand-alone SVG file for report.md when it differs from the inline one (Graphviz's,
    /// with its XML prolog and unprefixed ids).
    public var file: String?
    /// The data behind the figure, written beside report.md as `<id>.<extension>` and linked
    /// from the figure: CSV for charts, the trace's JSON for graphs of a recorded step.
    public var data: (extension: String, contents: String)?
    /// A title shown above the drawing, outside it, so that it stays in view when a wide
    /// drawing scrolls in its box (the drawings then carry none of their own).
    public var title: String?
    /// Drawings for different widths (`FitWidth`), widest first; the page shows the one that
    /// fits. Empty: `svg` at every width.
    public var variants: [FigureVariant] = []
    /// The key to the drawing's colours (a diagram's; charts carry their own).
    public var legend: [LegendEntry] = []

    public init(id: String, svg: String, caption: String, alt: String = "", file: String? = nil,
                data: (extension: String, contents: String)? = nil) {
        self.id = id
        self.svg = svg
        self.caption = caption
        self.alt = alt.isEmpty ? caption : alt
        self.file = file
        self.data = data
    }
}
