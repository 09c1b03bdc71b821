import Foundation
import HepexcFrontend
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A model file must never make hepexc read anything but regular files in
/// its own folder: not through a symlink, not a device, not a FIFO (which
/// would block the import forever).
@Suite struct ExternalDataSafetyTests {
    /// The valid external-data fixture copied into a fresh folder, with its
    /// data file replaced by what `plant` puts there.
    static func importWithPlantedData(_ plant: (String) throws -> Void) throws -> FrontendError? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("helper_external_data.onnx")
        try FileManager.default.copyItem(atPath: FixtureManifest.directory + "/helper_external_data.onnx", toPath: model.path)
        try plant(folder.appendingPathComponent("helper_external_data.bin").path)
        do {
            _ = try ONNXImporter.importModel(at: model.path)
            return nil
        } catch {
            return error
        }
    }

    @Test func aRegularFileInTheFolderIsRead() throws {
        let error = try Self.importWithPlantedData { path in
            try FileManager.default.copyItem(atPath: FixtureManifest.directory + "/helper_external_data.bin", toPath: path)
        }
        #expect(error == nil, "\(String(describing: error))")
    }

    @Test(arguments: ["/etc/passwd", "/dev/zero"])
    func symlinksOutOfTheFolderAreRefused(target: String) throws {
        let error = try Self.importWithPlantedData { path in
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        }
        let message = try #require(error).description
        #expect(message.contains("outside the model's folder") || message.contains("not a regular file"), "\(message)")
    }

    @Test func aSymlinkToADeviceInsideTheFolderIsRefused() throws {
        let error = try Self.importWithPlantedData { path in
            let device = (path as NSString).deletingLastPathComponent + "/zero"
            try FileManager.default.createSymbolicLink(atPath: device, withDestinationPath: "/dev/zero")
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: device)
        }
        #expect(error != nil)
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let error = try Self.importWithPlantedData { path in
            #expect(mkfifo(path, 0o600) == 0)
        }
        let message = try #require(error).description
        #expect(message.contains("not a regular file"), "\(message)")
    }
}

/// Sizes past Int64 in constant folding are refused, not trapped on
/// (issue 14 §4; fixtures from scripts/make_overflow_fixtures.py).
@Suite struct ShapeOverflowTests {
    @Test(arguments: ["constant_of_shape_overflow.onnx", "reshape_overflow.onnx"])
    func overflowingShapesAreOneLineErrors(file: String) {
        do {
            _ = try ONNXImporter.importModel(at: FixtureManifest.directory + "/bad/" + file)
            Issue.record("\(file) imported")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("Reshape") || error.description.contains("ConstantOfShape"), "\(error)")
        }
    }

    /// Found by scripts/fuzz_onnx_attributes.py: Squeeze axes of ±2^63 and
    /// Gather indices past Int64 trapped (index out of range, Double → Int).
    @Test(arguments: [("squeeze_extreme_axis.onnx", "Squeeze"), ("gather_extreme_indices.onnx", "Gather")])
    func extremeAxesAndIndicesAreOneLineErrors(file: String, op: String) {
        do {
            _ = try ONNXImporter.importModel(at: FixtureManifest.directory + "/bad/" + file)
            Issue.record("\(file) imported")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(op), "\(error)")
        }
    }
}
