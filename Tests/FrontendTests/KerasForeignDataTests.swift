import Foundation
import HepexcFrontend
import Testing

/// A Keras file may only make hepexc read that file: HDF5 external links,
/// external raw storage and virtual datasets are refused before any weight is
/// read (fixtures: scripts/make_hostile_h5.py — a valid model plus one such
/// object each).
@Suite struct KerasForeignDataTests {
    @Test(arguments: [("k2_external_link.h5", "external link"),
                      ("k2_external_storage.h5", "stored in external files"),
                      ("k2_virtual_dataset.h5", "virtual dataset")])
    func foreignDataIsRefused(file: String, words: String) {
        let path = KerasFixtureManifest.directory + "/bad/" + file
        do {
            _ = try KerasImporter.importModel(at: path)
            Issue.record("\(file) imported")
        } catch {
            guard case .malformed = error else { Issue.record("\(file): \(error)"); return }
            #expect(error.description.contains(words), "\(error)")
            #expect(error.description.contains("model_weights/leak"), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    /// The same model without the planted object imports.
    @Test func theCleanOriginalImports() throws {
        _ = try KerasImporter.importModel(at: KerasFixtureManifest.directory + "/k2_functional.h5")
    }
}

/// A `.keras` member whose header understates its size (an 8 KB archive
/// inflating to 8 MB here, to gigabytes in an attack) stops at the declared
/// size with a one-line error.
@Suite struct KerasArchiveBombTests {
    @Test func lyingMemberSizesAreRefused() {
        do {
            _ = try KerasImporter.importModel(at: KerasFixtureManifest.directory + "/bad/lying_size.keras")
            Issue.record("a member inflating past its declared size was read")
        } catch {
            #expect(error.description.contains("inflates past its declared 4096 bytes"), "\(error)")
        }
    }
}

/// A dataset declared but never written (a small file declaring a huge
/// kernel) is refused before anything is allocated for it.
@Suite struct KerasUnwrittenDatasetTests {
    @Test func unwrittenDatasetsAreRefused() {
        do {
            _ = try KerasImporter.importModel(at: KerasFixtureManifest.directory + "/bad/k2_unwritten_kernel.h5")
            Issue.record("an unwritten kernel was imported")
        } catch {
            #expect(error.description.contains("declared but holds no data"), "\(error)")
        }
    }
}
