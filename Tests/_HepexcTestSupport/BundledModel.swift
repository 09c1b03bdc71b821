/// The models under `models/` with the test split each is evaluated on.
public struct BundledModel: Sendable, CustomStringConvertible {
    public var name: String
    public var data: String

    public var modelPath: String { TestPaths.path("models/\(name).onnx") }
    public var dataPath: String { TestPaths.path("models/data/\(data).npz") }
    public var referencePath: String { TestPaths.path("models/reference/\(name).npz") }
    public var description: String { name }

    public static let all = [
        BundledModel(name: "mnist_cryptonets", data: "mnist_test"),
        BundledModel(name: "mnist_mlp_square", data: "mnist_test"),
        BundledModel(name: "digits_mlp_square", data: "digits_test"),
        BundledModel(name: "mnist_autoencoder", data: "mnist_ae_test"),
        BundledModel(name: "digits_mlp_poly2", data: "digits_test"),
    ]
}
