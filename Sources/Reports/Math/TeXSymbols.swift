/// The commands that stand for one symbol, and the Unicode characters typed straight into a
/// formula, as nodes of the tree. A command that is neither here nor one of the parser's
/// constructs is an error.
enum TeXSymbols {
    /// `\alpha` → α, `\le` → ≤, `\tanh` → the function tanh, `\,` → a thin space.
    static let commands: [String: MathNode] = {
        var table: [String: MathNode] = [:]
        for (name, letter) in lowerGreek { table[name] = .identifier(letter) }
        for (name, letter) in upperGreek { table[name] = .identifier(letter, upright: true) }
        for (kind, symbols) in operators {
            for (name, symbol) in symbols { table[name] = .op(symbol, kind) }
        }
        for name in functions { table[name] = .function(name) }
        for name in functionsWithLimits { table[name] = .function(name, limits: true) }
        for (name, width) in spaces { table[name] = .space(width) }
        for (name, node) in others { table[name] = node }
        return table
    }()

    /// A character typed into the formula (`σ`, `⊙`, `‖`, `−`), as the command that writes it
    /// would give it; nil for letters, digits and ASCII punctuation, which the parser reads
    /// itself, and for characters it should read as text.
    static func typed(_ c: Character) -> MathNode? {
        if let node = byCharacter[c] { return node }
        guard c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first else { return nil }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter: return .identifier(String(c))
        case .decimalNumber: return .number(String(c))
        case .mathSymbol: return .op(String(c), .relation)
        case .openPunctuation: return .op(String(c), .open)
        case .closePunctuation: return .op(String(c), .close)
        case .otherPunctuation, .otherSymbol, .currencySymbol, .dashPunctuation: return .op(String(c), .ordinary)
        default: return nil
        }
    }

    /// Combining marks typed after a letter (`c̃`) and the accent each stands for.
    static let combiningAccents: [Unicode.Scalar: String] = [
        "\u{0302}": "ˆ", "\u{0303}": "˜", "\u{0304}": "¯", "\u{0305}": "¯", "\u{0307}": "˙", "\u{0308}": "¨", "\u{20D7}": "→",
    ]

    /// `\tilde` and its kind: the spacing (non-combining) form of each mark, which every math
    /// font has as an accent.
    static let accents: [String: String] = [
        "tilde": "˜", "hat": "ˆ", "bar": "¯", "vec": "→", "dot": "˙", "ddot": "¨",
    ]

    private static let lowerGreek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
        "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
        "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    ]

    /// TeX has no command for the capitals that look like Latin ones (no `\Alpha`).
    private static let upperGreek: [String: String] = [
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    private static let operators: [(OperatorKind, [String: String])] = [
        (.binary, [
            "pm": "±", "mp": "∓", "times": "×", "cdot": "⋅", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
            "circ": "∘", "ast": "∗", "star": "⋆", "bullet": "∙", "div": "÷", "setminus": "∖",
            "cup": "∪", "cap": "∩", "wedge": "∧", "vee": "∨",
        ]),
        (.relation, [
            "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
            "equiv": "≡", "sim": "∼", "simeq": "≃", "propto": "∝", "ll": "≪", "gg": "≫",
            "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
            "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺",
            "mapsto": "↦", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆",
            "supset": "⊃", "supseteq": "⊇", "mid": "∣",
        ]),
        (.large(limits: true), ["sum": "∑", "prod": "∏"]),
        (.large(limits: false), ["int": "∫", "oint": "∮"]),
        (.open, ["{": "{", "lbrace": "{", "langle": "⟨", "lVert": "‖", "lvert": "|", "lbrack": "["]),
        (.close, ["}": "}", "rbrace": "}", "rangle": "⟩", "rVert": "‖", "rvert": "|", "rbrack": "]"]),
        (.ordinary, [
            "|": "‖", "Vert": "‖", "vert": "|", "prime": "′",
        ]),
    ]

    private static let functions = [
        "tanh", "sinh", "cosh", "sin", "cos", "tan", "log", "ln", "exp", "arg", "det", "dim", "ker",
    ]
    private static let functionsWithLimits = ["max", "min", "lim", "sup", "inf", "argmax", "argmin"]

    /// In em, as TeX sets them (a thin space is 3/18 em).
    private static let spaces: [String: Double] = [
        ",": 3.0 / 18, ":": 4.0 / 18, ">": 4.0 / 18, ";": 5.0 / 18, " ": 6.0 / 18, "quad": 1, "qquad": 2,
    ]

    private static let others: [String: MathNode] = [
        // ∂ stays italic, as TeX draws it; ∇ is upright.
        "partial": .identifier("∂"), "nabla": .identifier("∇", upright: true), "infty": .identifier("∞"),
        "ell": .identifier("ℓ"), "emptyset": .identifier("∅"), "forall": .identifier("∀"),
        "exists": .identifier("∃"), "top": .identifier("⊤"), "bot": .identifier("⊥"),
        // Dots are ordinary symbols in TeX, with no space of their own (an `<mo>` would get some).
        "dots": .identifier("…"), "ldots": .identifier("…"), "cdots": .identifier("⋯"),
        "vdots": .identifier("⋮"), "ddots": .identifier("⋱"),
        "$": .identifier("$"), "%": .identifier("%"), "#": .identifier("#"), "&": .identifier("&"),
        "_": .identifier("_"),
    ]

    /// Every symbol a command above writes, and ASCII and Unicode symbols typed directly.
    private static let byCharacter: [Character: MathNode] = {
        var table: [Character: MathNode] = [:]
        for (_, letter) in lowerGreek { table[Character(letter)] = .identifier(letter) }
        for (_, letter) in upperGreek { table[Character(letter)] = .identifier(letter, upright: true) }
        for letter in ["Α", "Β", "Ε", "Ζ", "Η", "Ι", "Κ", "Μ", "Ν", "Ο", "Ρ", "Τ", "Χ"] {
            table[Character(letter)] = .identifier(letter, upright: true)
        }
        table["ο"] = .identifier("ο")
        for (kind, symbols) in operators {
            for (_, symbol) in symbols where symbol.count == 1 && !"{}[]|".contains(symbol) {
                table[Character(symbol)] = .op(symbol, kind)
            }
        }
        for (_, node) in others {
            if case .identifier(let s, _) = node, s.count == 1, !"$%#&_".contains(s) { table[Character(s)] = node }
        }
        let ascii: [Character: MathNode] = [
            "+": .op("+", .binary), "-": .op("−", .binary), "*": .op("∗", .binary),
            "=": .op("=", .relation), "<": .op("<", .relation), ">": .op(">", .relation), ":": .op(":", .relation),
            ",": .op(",", .punctuation), ";": .op(";", .punctuation),
            "(": .op("(", .open), "[": .op("[", .open), ")": .op(")", .close), "]": .op("]", .close),
            "|": .op("|", .ordinary), "/": .identifier("/"), "!": .op("!", .ordinary), "?": .op("?", .ordinary),
            ".": .identifier("."), "@": .op("@", .ordinary), "\"": .op("\"", .ordinary), "`": .op("`", .ordinary),
            "−": .op("−", .binary), "·": .op("·", .binary), "‖": .op("‖", .ordinary),
            "′": .op("′", .ordinary),
        ]
        table.merge(ascii) { _, new in new }
        return table
    }()
}
