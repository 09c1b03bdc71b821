import HepexcIR
import PropertyBased
import Testing

/// A generator of random graphs valid under shape inference (see ``RandomGraphBuilder``).
let randomGraphs = Generator<Graph, Shrink.None<Graph>> { rng in
    RandomGraphs.graph(using: &rng)
}

@Suite("Textual IR round trip (properties)")
struct RoundTripPropertyTests {
    @Test("parse(print(g, .all)) == g, and printing is a fixed point")
    func fullRoundTrip() async {
        await propertyCheck(count: 300, input: randomGraphs) { graph in
            let text = graph.printed(PrintOptions(weights: .all))
            let parsed: Graph
            do {
                parsed = try Graph(parsing: text)
            } catch {
                Issue.record("\(error)\n\(text)")
                return
            }
            #expect(parsed == graph, "\(text)")
            #expect(parsed.printed(PrintOptions(weights: .all)) == text)
        }
    }

    @Test("Elided printing: values above the limit come back nil, and printing is a fixed point",
          arguments: [PrintOptions(), PrintOptions(weights: .elided(above: 0)), PrintOptions(weights: .elided(above: 3))])
    func elidedRoundTrip(options: PrintOptions) async {
        await propertyCheck(count: 100, input: randomGraphs) { graph in
            let text = graph.printed(options)
            let parsed: Graph
            do {
                parsed = try Graph(parsing: text)
            } catch {
                Issue.record("\(error)\n\(text)")
                return
            }
            #expect(parsed == graph.eliding(options), "\(text)")
            #expect(parsed.printed(options) == text)
            #expect(parsed.printed(PrintOptions(weights: .all)) == graph.eliding(options).printed(PrintOptions(weights: .all)))
        }
    }
}
