import ArgumentParser
import HepexcDriver

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Import a bundled model, evaluate it in plaintext, then compile it and run it on encrypted samples.",
        discussion: """
        Looks for models/ in the current directory (run it from the repository root). Steps: import and \
        summarise the model; evaluate it on its whole bundled test split with the reference interpreter; \
        compile it to a 128-bit-secure CKKS plan (--tile); encrypt --encrypted-samples test samples, run \
        the plan and decrypt (0 skips the encrypted part).
        """
    )

    @Option(name: .long, help: "Bundled model name: \(Demo.bundledData.keys.sorted().joined(separator: ", ")).")
    var model: String = "mnist_cryptonets"

    @Option(name: .long, help: "The models/ directory.")
    var modelsDirectory: String = "models"

    @Option(name: .long, help: "Tile shape for the encrypted run.")
    var tile: TileChoice = .fixed(t1: 16, t2: 16)

    @Option(name: .long, help: "Test samples to run encrypted (0: plaintext only).")
    var encryptedSamples: Int = 32

    @OptionGroup var output: OutputOptions

    var request: Demo.Request {
        var request = Demo.Request()
        request.model = model
        request.modelsDirectory = modelsDirectory
        request.tile = tile
        request.encryptedSamples = encryptedSamples
        return request
    }

    func validate() throws { try Console.validate { () throws(DriverError) in try request.validate() } }

    func run() throws {
        try Console.run(json: output.json) { () throws(DriverError) in try Demo.run(request) }
    }
}
