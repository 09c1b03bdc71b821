import Foundation
import HepexcDriver
import HepexcFrontend
import Testing

/// Broken and unsupported Keras files fail with the right one-line error.
@Suite struct KerasErrorTests {
    func importError(_ file: String, config: String? = nil) -> FrontendError? {
        let directory = KerasFixtureManifest.directory
        do {
            _ = try KerasImporter.importModel(at: directory + "/" + file, configPath: config.map { directory + "/" + $0 })
            return nil
        } catch {
            return error
        }
    }

    static func caseName(_ error: FrontendError) -> String {
        switch error {
        case .malformed: return "malformed"
        case .missingKerasConfig: return "missingConfig"
        case .unsupportedLayers: return "unsupportedLayers"
        case .missingWeight: return "missingWeight"
        case .weightShapeMismatch: return "weightShapeMismatch"
        default: return "\(error)"
        }
    }

    @Test(arguments: KerasFixtureManifest.invalid)
    func errorFixtureFailsWithItsCase(_ fixture: KerasFixtureManifest.Entry) {
        let error = importError(fixture.file, config: fixture.config)
        guard let error else { Issue.record("\(fixture.file) imported but should fail"); return }
        #expect(Self.caseName(error) == fixture.error, "\(fixture.file): \(error)")
        #expect(!error.description.contains("\n"), "multi-line message: \(error)")
    }

    @Test func lambdaAndCustomLayersAreAllReportedByName() {
        guard case .unsupportedLayers(let layers)? = importError("bad/k3_unsupported.keras") else {
            Issue.record("expected unsupportedLayers"); return
        }
        #expect(layers.map(\.name) == ["double_it", "square_act"])
        #expect(layers.map(\.className) == ["Lambda", "Square"])
    }

    @Test func unknownLayerClassIsNamed() {
        guard case .unsupportedLayers(let layers)? = importError("bad/k2_unknown_layer.h5") else {
            Issue.record("expected unsupportedLayers"); return
        }
        #expect(layers.count == 1 && layers[0].className == "FancyActivation")
        #expect(layers[0].reason?.contains("unknown layer class") == true)
    }

    @Test func missingDatasetNamesLayerAndWeight() {
        guard case .missingWeight(let layer, let weight, _)? = importError("bad/k2_missing_dataset.h5") else {
            Issue.record("expected missingWeight"); return
        }
        #expect(layer == "fc1" && weight == "kernel")
    }

    @Test func kernelShapeDisagreeingWithConfigIsReported() {
        #expect(importError("bad/k2_kernel_mismatch.h5")
                == .weightShapeMismatch(layer: "fc1", weight: "kernel", expected: [12, 8], found: [12, 7]))
    }

    @Test func weightsWithoutConfigAskForOne() {
        guard case .missingKerasConfig? = importError("bad/k2_weights_without_config.h5") else {
            Issue.record("expected missingKerasConfig"); return
        }
        #expect(importError("bad/k2_weights_without_config.h5")?.description.contains("--config") == true)
        // The same file imports once the config is given.
        #expect(importError("bad/k2_weights_without_config.h5", config: "k2_mlp.json") == nil)
    }

    @Test func foreignTruncatedAndMissingFiles() {
        guard case .malformed(_, let notHDF5)? = importError("bad/not_hdf5.h5") else { Issue.record("not hdf5"); return }
        #expect(notHDF5.contains("not an HDF5 file"))
        guard case .malformed? = importError("bad/truncated.h5") else { Issue.record("truncated"); return }
        guard case .malformed? = importError("bad/not_a_zip.keras") else { Issue.record("not a zip"); return }
        guard case .unreadable? = importError("bad/no_such_file.h5") else { Issue.record("missing file"); return }
        guard case .unreadable? = importError("k2_mlp.weights_only.h5", config: "bad/no_such.json") else {
            Issue.record("missing config"); return
        }
    }

    @Test func truncatedCopiesNeverCrash() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: KerasFixtureManifest.directory + "/k2_cnn.h5"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-keras-trunc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for length in [0, 8, 100, 800, 2_000, 4_000, 8_000, 16_000, 24_000, data.count - 100, data.count - 1] {
            let path = directory.appendingPathComponent("t\(length).h5").path
            try data.prefix(length).write(to: URL(fileURLWithPath: path))
            do {
                _ = try KerasImporter.importModel(at: path)
                Issue.record("a \(length)-byte prefix imported")
            } catch {
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func configOptionIsRefusedForOtherFormats() {
        #expect(throws: DriverError.self) {
            _ = try ModelLoader.load(KerasFixtureManifest.directory + "/../onnx/ops_gemm.onnx",
                                     configPath: KerasFixtureManifest.directory + "/k2_mlp.json")
        }
    }
}
