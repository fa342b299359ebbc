import ArgumentParser
import Foundation
import RNNCore

@main
struct RNNLab: ParsableCommand {
    /// rnnlab's version: `rnnlab --version`, and the footer of every printed handout.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "rnnlab",
        abstract: "Make recurrent neural networks visible: run RNN, LSTM and GRU cells step by step and record everything.",
        discussion: """
            rnnlab records every gate, state and gradient of a recurrent network running forward \
            and backward through time, and the Jacobian norms whose decay or growth is the \
            vanishing or exploding gradient.

            Start with:  rnnlab run lessons   (then open output/index.html)
            Write your own: rnnlab new 09-my-lesson; the format is in lessons/README.md.
            """,
        version: version,
        subcommands: [Run.self, List.self, New.self, Trace.self, Step.self, Graph.self, Bench.self]
    )
}
