import _HepexcTestSupport
import Foundation
@testable import HepexcData
import HepexcIR
import Testing

@Suite("DatasetLoader")
struct DatasetLoaderTests {
    static func floats(_ shape: [Int], _ f: (Int) -> Double = { Double($0 % 7) / 7 }) -> NumPyArray {
        let count = shape.reduce(1, *)
        return NumPyArray(shape: shape, dtype: .float32, scalars: (0..<count).map { Double(Float(f($0))) })
    }

    static func ints(_ values: [Double], dtype: NumPyDType = .int64, shape: [Int]? = nil) -> NumPyArray {
        NumPyArray(shape: shape ?? [values.count], dtype: dtype, scalars: values)
    }

    @Test("npz with x / y")
    func npzDefaultKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("d.npz")
        try NPZ.write(["x": Self.floats([4, 2, 3]), "y": Self.ints([0, 2, 1, 2])], to: path, compression: .deflated)
        let dataset = try DatasetLoader.load(path: path)
        #expect(dataset.inputs.shape == [4, 2, 3] && dataset.inputs.elementType == .f32)
        #expect(dataset.labels == [0, 2, 1, 2] && dataset.targets == nil)
        #expect(dataset.classCount == 3 && dataset.count == 4)
        #expect(dataset.source.inputKey == "x" && dataset.source.labelKey == "y")
        #expect(dataset.description.hasPrefix("4 examples of [2, 3] f32, 3 classes, from "))
    }

    @Test("npz key candidates in order, and explicit keys", arguments: [
        (["X", "Y"], "X", "Y"), (["inputs", "labels"], "inputs", "labels"), (["images", "labels"], "images", "labels"),
        (["x_test", "y_test"], "x_test", "y_test"), (["data", "targets"], "data", "targets"),
        (["data", "x_test", "y_test", "labels"], "x_test", "labels"),
    ])
    func npzCandidates(keys: [String], expectedInput: String, expectedLabel: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("d.npz")
        var arrays: [String: NumPyArray] = [:]
        for key in keys {
            arrays[key] = key == expectedLabel || DatasetLoader.labelKeyCandidates.contains(key)
                ? Self.ints([1, 0]) : Self.floats([2, 3])
        }
        try NPZ.write(arrays, to: path)
        let dataset = try DatasetLoader.load(path: path)
        #expect(dataset.source.inputKey == expectedInput && dataset.source.labelKey == expectedLabel)
        #expect(dataset.labels == [1, 0])
    }

    @Test("explicit keys; missing keys list what is present")
    func explicitAndMissingKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("d.npz")
        try NPZ.write(["feats": Self.floats([2, 3]), "cls": Self.ints([1, 1]), "other": Self.floats([1])], to: path)
        let dataset = try DatasetLoader.load(path: path, inputKey: "feats", labelKey: "cls")
        #expect(dataset.labels == [1, 1])
        #expect(dataError { try DatasetLoader.load(path: path) }
            == .missingKey(path: path, role: "inputs", tried: DatasetLoader.inputKeyCandidates, present: ["cls", "feats", "other"]))
        #expect(dataError { try DatasetLoader.load(path: path, inputKey: "nope") }
            == .missingKey(path: path, role: "inputs", tried: ["nope"], present: ["cls", "feats", "other"]))
        #expect(dataError { try DatasetLoader.load(path: path, inputKey: "feats", labelKey: "nope") }
            == .missingKey(path: path, role: "labels", tried: ["nope"], present: ["cls", "feats", "other"]))
        // Without labels the data set is unlabelled.
        let unlabelled = try DatasetLoader.load(path: path, inputKey: "feats")
        #expect(unlabelled.labels == nil && unlabelled.targets == nil)
        #expect(DataError.missingKey(path: "p", role: "inputs", tried: ["x"], present: ["a", "b"]).description
            == "p: no inputs array (tried x); keys present: a, b")
    }

    @Test("npy inputs with labels from another file")
    func npyWithLabelsPath() throws {
        let directory = try TemporaryDirectory()
        let inputs = directory.path("x.npy"), labels = directory.path("y.npy"), idxLabels = directory.path("y.idx")
        try NPY.write(NumPyArray(shape: [3, 2], dtype: .float64, scalars: [1, 2, 3, 4, 5, 6]), to: inputs)
        try NPY.write(Self.ints([2, 0, 1], dtype: .uint8), to: labels)
        try IDX.write(Self.ints([1, 1, 0], dtype: .uint8), to: idxLabels)
        let unlabelled = try DatasetLoader.load(path: inputs)
        #expect(unlabelled.labels == nil && unlabelled.inputs.elementType == .f64)
        #expect(try DatasetLoader.load(path: inputs, labelsPath: labels).labels == [2, 0, 1])
        let fromIDX = try DatasetLoader.load(path: inputs, labelsPath: idxLabels)
        #expect(fromIDX.labels == [1, 1, 0] && fromIDX.source.labelsPath == idxLabels)
        #expect(dataError { try DatasetLoader.load(path: inputs, labelsPath: directory.path("none.npy")) }
            == .fileNotFound(path: directory.path("none.npy")))
    }

    @Test("labels from a separate .npz; gzip-compressed .npy inputs")
    func labelsFromNPZ() throws {
        let directory = try TemporaryDirectory()
        let inputs = directory.path("x.npy.gz")
        try directory.write("x.npy.gz", try Gzip.compress(NPY.encode(Self.floats([2, 3]))))
        let labels = directory.path("labels.npz")
        try NPZ.write(["y_test": Self.ints([1, 0]), "cls": Self.ints([0, 0])], to: labels)
        let dataset = try DatasetLoader.load(path: inputs, labelsPath: labels)
        #expect(dataset.labels == [1, 0] && dataset.source.labelKey == "y_test")
        #expect(dataset.source.format == .npy && dataset.source.isCompressed)
        #expect(try DatasetLoader.load(path: inputs, labelKey: "cls", labelsPath: labels).labels == [0, 0])
        #expect(dataError { try DatasetLoader.load(path: inputs, labelKey: "nope", labelsPath: labels) }
            == .missingKey(path: labels, role: "labels", tried: ["nope"], present: ["cls", "y_test"]))
    }

    @Test("format detection by name and by magic")
    func formatDetection() throws {
        #expect(DataFormat.fromFileName("a/t10k-images-idx3-ubyte") == .idx)
        #expect(DataFormat.fromFileName("train-images.idx3-ubyte") == .idx)
        #expect(DataFormat.fromFileName("x.NPZ") == .npz && DataFormat.fromFileName("x.npy.gz") == .gzip)
        #expect(DataFormat.fromFileName("x.bin") == nil)
        #expect(DataFormat.sniff(try NPY.encode(Self.floats([1]))) == .npy)
        #expect(DataFormat.sniff(try NPZ.encode(["x": Self.floats([1])])) == .npz)
        #expect(DataFormat.sniff(try Gzip.compress(Data([1]))) == .gzip)
        #expect(DataFormat.sniff(Data([0, 0, 8, 1, 0, 0, 0, 0])) == .idx)
        #expect(DataFormat.sniff(Data([0, 0, 7, 1])) == nil)
    }

    @Test("error messages stay on one line")
    func oneLineMessages() {
        let error = DataError.missingKey(path: "p.npz", role: "inputs", tried: ["x"], present: ["a\nb"])
        #expect(error.description == "p.npz: no inputs array (tried x); keys present: a\\nb")
    }

    @Test("idx images with sibling labels, plain and gzip; scaling and reshape")
    func idxSiblings() throws {
        for gz in [false, true] {
            let directory = try TemporaryDirectory()
            let suffix = gz ? ".gz" : ""
            let images = NumPyArray(shape: [2, 2, 2], dtype: .uint8, scalars: [0, 255, 51, 102, 1, 2, 3, 4])
            try IDX.write(images, to: directory.path("t10k-images-idx3-ubyte" + suffix))
            try IDX.write(Self.ints([7, 3], dtype: .uint8), to: directory.path("t10k-labels-idx1-ubyte" + suffix))
            let dataset = try DatasetLoader.load(path: directory.path("t10k-images-idx3-ubyte" + suffix))
            #expect(dataset.inputs.shape == [2, 1, 2, 2])
            #expect(dataset.inputs.scalars[0..<4] == [0, 1, Double(Float(0.2)), Double(Float(0.4))])
            #expect(dataset.labels == [7, 3])
            #expect(dataset.source.format == .idx && dataset.source.isCompressed == gz && dataset.source.scaledToUnitRange)
            #expect(dataset.source.labelsPath == directory.path("t10k-labels-idx1-ubyte" + suffix))
            let raw = try DatasetLoader.load(path: directory.path("t10k-images-idx3-ubyte" + suffix), scale: .none)
            #expect(raw.inputs.scalars[0..<4] == [0, 255, 51, 102] && !raw.source.scaledToUnitRange)
        }
        // A compressed images file finds an uncompressed labels sibling, and vice versa.
        let directory = try TemporaryDirectory()
        try IDX.write(NumPyArray(shape: [1, 1, 1], dtype: .uint8, scalars: [9]), to: directory.path("train-images-idx3-ubyte.gz"))
        try IDX.write(Self.ints([4], dtype: .uint8), to: directory.path("train-labels-idx1-ubyte"))
        #expect(try DatasetLoader.load(path: directory.path("train-images-idx3-ubyte.gz")).labels == [4])
        // No sibling: unlabelled.
        try IDX.write(NumPyArray(shape: [1, 1, 1], dtype: .uint8, scalars: [9]), to: directory.path("other-images.idx"))
        #expect(try DatasetLoader.load(path: directory.path("other-images.idx")).labels == nil)
    }

    @Test("label conventions")
    func labelConventions() throws {
        func load(_ y: NumPyArray) throws -> Dataset {
            let directory = try TemporaryDirectory()
            let path = directory.path("d.npz")
            try NPZ.write(["x": Self.floats([3, 2]), "y": y], to: path)
            return try DatasetLoader.load(path: path)
        }
        // Integer dtypes → class indices, including [N, 1] columns and bool.
        #expect(try load(Self.ints([0, 1, 2], dtype: .int32)).labels == [0, 1, 2])
        #expect(try load(Self.ints([3, 1, 2], dtype: .uint8, shape: [3, 1])).labels == [3, 1, 2])
        #expect(try load(Self.ints([1, 0, 1], dtype: .bool)).labels == [1, 0, 1])
        // Integral floats, 1-D → class indices.
        #expect(try load(NumPyArray(shape: [3], dtype: .float32, scalars: [2, 0, 1])).labels == [2, 0, 1])
        // One-hot rows → argmax (float and int).
        let oneHot = NumPyArray(shape: [3, 4], dtype: .float32, scalars: [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
        #expect(try load(oneHot).labels == [2, 0, 3])
        #expect(try load(NumPyArray(shape: [3, 2], dtype: .int64, scalars: [0, 1, 1, 0, 0, 1])).labels == [1, 0, 1])
        // Fractional floats → regression targets.
        let fractional = try load(NumPyArray(shape: [3], dtype: .float32, scalars: [0.5, 1, 2]))
        #expect(fractional.labels == nil && fractional.targets?.scalars == [0.5, 1, 2])
        // [N, 1] float (even integral) → targets.
        let column = try load(NumPyArray(shape: [3, 1], dtype: .float64, scalars: [1, 2, 3]))
        #expect(column.labels == nil && column.targets?.shape == [3, 1] && column.targets?.elementType == .f64)
        // 2-D not one-hot → targets.
        let multi = try load(NumPyArray(shape: [3, 2], dtype: .float32, scalars: [1, 1, 0, 0, 0.5, 0.5]))
        #expect(multi.targets?.shape == [3, 2] && multi.description.contains("regression targets [3, 2]"))
    }

    @Test("label errors: negative, count mismatch, non-finite, rank 0, too large")
    func labelErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("d.npz")
        func check(_ y: NumPyArray, _ expected: DataError) throws {
            try NPZ.write(["x": Self.floats([3, 2]), "y": y], to: path)
            #expect(dataError { try DatasetLoader.load(path: path) } == expected)
        }
        try check(Self.ints([0, -1, 2]), .negativeLabel(path: path, key: "y", index: 1, value: -1))
        try check(NumPyArray(shape: [3], dtype: .float32, scalars: [0, 1, -2]),
                  .negativeLabel(path: path, key: "y", index: 2, value: -2))
        try check(Self.ints([0, 1]), .countMismatch(path: path, inputs: 3, labels: 2))
        try check(NumPyArray(shape: [3], dtype: .float32, scalars: [0, .nan, 1]),
                  .nonFiniteValue(path: path, key: "y", index: [1], value: "nan"))
        try check(Self.ints([5], shape: []), .invalidShape(path: path, key: "y", expected: "[N] or [N, C]", found: []))
        try check(NumPyArray(shape: [3], dtype: .uint64, scalars: [0, 1, 18_446_744_073_709_549_568]),
                  .invalidLabel(path: path, key: "y", index: 2, value: "1.844674407370955e+19"))
    }

    @Test("input errors: empty, non-finite, rank 0")
    func inputErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("d.npz")
        try NPZ.write(["x": Self.floats([0, 4]), "y": Self.ints([])], to: path)
        #expect(dataError { try DatasetLoader.load(path: path) } == .emptyDataset(path: path))
        var bad = Self.floats([2, 2, 3])
        bad.scalars[7] = .infinity
        try NPZ.write(["x": bad], to: path)
        #expect(dataError { try DatasetLoader.load(path: path) }
            == .nonFiniteValue(path: path, key: "x", index: [1, 0, 1], value: "inf"))
        #expect(DataError.nonFiniteValue(path: "p", key: "x", index: [1, 0, 1], value: "inf").description
            == "p[x]: non-finite value inf at [1, 0, 1]")
        let npyPath = directory.path("s.npy")
        try NPY.write(NumPyArray(shape: [], dtype: .float32, scalars: [1]), to: npyPath)
        #expect(dataError { try DatasetLoader.load(path: npyPath) }
            == .invalidShape(path: npyPath, key: nil, expected: "[N, …]", found: []))
    }

    @Test("format errors: missing, unknown, mislabelled, truncated, object arrays")
    func formatErrors() throws {
        let directory = try TemporaryDirectory()
        #expect(dataError { try DatasetLoader.load(path: directory.path("missing.npz")) }
            == .fileNotFound(path: directory.path("missing.npz")))
        let text = try directory.write("notes.txt", Array("hello".utf8))
        #expect(dataError { try DatasetLoader.load(path: text) }
            == .unknownFormat(path: text, leadingBytes: Array("hell".utf8)))
        let fakeZip = try directory.write("fake.npz", Array("hello".utf8))
        guard case .notAZip(path: fakeZip, _)? = dataError({ try DatasetLoader.load(path: fakeZip) }) else {
            Issue.record("fake .npz accepted")
            return
        }
        let fakeNpy = try directory.write("fake.npy", [1, 2, 3])
        #expect(dataError { try DatasetLoader.load(path: fakeNpy) } == .badMagic(path: fakeNpy, format: .npy, found: [1, 2, 3]))
        let fakeGz = try directory.write("fake-images-idx3-ubyte.gz", [0, 0, 8, 1])
        #expect(dataError { try DatasetLoader.load(path: fakeGz) } == .badMagic(path: fakeGz, format: .gzip, found: [0, 0]))
        let shortIdx = try directory.write("short-idx3-ubyte", Bytes.idx(type: 0x08, shape: [2, 2, 2], payload: [1, 2, 3]))
        #expect(dataError { try DatasetLoader.load(path: shortIdx) }
            == .truncated(path: shortIdx, key: nil, expectedBytes: 8, foundBytes: 3))
        let objectPath = try directory.write("o.npy", Bytes.npy(header: Bytes.npyHeader("|O", "(2,)"), payload: [0x80]))
        #expect(dataError { try DatasetLoader.load(path: objectPath) } == .objectArray(path: objectPath, key: nil))
        // A sniffed format when the name says nothing.
        let unnamed = directory.path("blob")
        try NPY.write(Self.floats([2, 2]), to: unnamed)
        #expect(try DatasetLoader.load(path: unnamed).source.format == .npy)
        // Every error prints as one line.
        let message = DataError.truncated(path: "a", key: "x", expectedBytes: 8, foundBytes: 3).description
        #expect(!message.contains("\n") && message == "a[x]: truncated payload: the declared shape needs 8 bytes but only 3 are present")
    }

    @Test("slicing and batches")
    func batching() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("d.npz")
        try NPZ.write(["x": Self.floats([5, 2], { Double($0) }), "y": Self.ints([0, 1, 2, 3, 4])], to: path)
        let dataset = try DatasetLoader.load(path: path)
        let batches = Array(dataset.batches(of: 2))
        #expect(dataset.batches(of: 2).count == 3 && batches.count == 3)
        #expect(batches.map(\.count) == [2, 2, 1])
        #expect(batches[2].labels == [4] && batches[2].inputs.scalars == [8, 9])
        #expect(dataset.prefix(3).labels == [0, 1, 2] && dataset.prefix(99).count == 5)
        #expect(dataset.slice(1..<3).inputs.scalars == [2, 3, 4, 5])
        #expect(Array(dataset.batches(of: .max)).count == 1)
    }

    @Test("models/data/mnist_test.npz, when present")
    func mnistTest() throws {
        let path = TestPaths.path("models/data/mnist_test.npz")
        guard FileManager.default.fileExists(atPath: path) else {
            print("note: \(path) is absent; skipping the MNIST check")
            return
        }
        let dataset = try DatasetLoader.load(path: path)
        #expect(dataset.inputs.shape == [10000, 1, 28, 28])
        #expect(dataset.classCount == 10)
        #expect(Set(dataset.labels ?? []) == Set(0..<10))
    }
}
