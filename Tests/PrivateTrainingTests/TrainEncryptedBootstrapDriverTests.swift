import Foundation
import HepexcDriver
import Testing

/// `train-encrypted --refresh bootstrap` through the application layer:
/// a simulated run on the tiny insecure bootstrappable ring, and rings that
/// cannot bootstrap.
@Suite struct TrainEncryptedBootstrapDriverTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "ptrain-bs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func request() throws -> EncryptedTrainingRequest {
        let train = try TrainingTestSupport.writeBlobs(directory: directory, name: "train", samples: 90)
        let test = try TrainingTestSupport.writeBlobs(directory: directory, name: "test", samples: 30)
        var request = EncryptedTrainingRequest(dataPath: train, testPath: test)
        request.epochs = 2
        request.batchSize = 32
        request.learningRate = 4
        request.backend = .simulated
        request.refresh = .bootstrap
        request.logN = 10
        request.allowInsecure = true
        request.outputPath = "\(directory)/head.onnx"
        return request
    }

    @Test func simulatedBootstrapRunReportsBootstrapsAndNoClientRefreshes() throws {
        let report = try EncryptedTrainingRunner.run(request())
        #expect(!report.secure)
        #expect(report.refresh == "bootstrap")
        #expect(report.bootstrap?.contains("h = 32") == true)
        #expect(report.epochs.allSatisfy { $0.refreshes == 0 && $0.bootstraps > 0 && $0.ops.bootstraps == $0.bootstraps })
        #expect(report.epochs.dropFirst().allSatisfy { $0.bytesToServer == 0 })
        #expect(report.testAccuracy > 0.9)
        #expect(abs(report.testAccuracy - report.plaintextTestAccuracy) <= 0.04)
        #expect(report.text.contains("bootstraps (server, no traffic)"))
        #expect(try ReportEncoder.json(report).contains("\"bootstraps\""))
    }

    @Test func aSecureRingBelow2To16CannotBootstrap() throws {
        var request = try request()
        request.allowInsecure = false
        request.logN = 14
        do {
            _ = try EncryptedTrainingRunner.run(request)
            Issue.record("N = 2^14 at 128-bit security cannot bootstrap")
        } catch {
            #expect(error.description.contains("cannot bootstrap"), "\(error)")
            #expect(error.description.contains("N = 2^16"), "\(error)")
            #expect(!error.description.contains("\n"))
        }
        #expect(!FileManager.default.fileExists(atPath: request.outputPath ?? ""))
    }

    @Test func insecureRingsNeedTheFlag() throws {
        var request = try request()
        request.allowInsecure = false
        do {
            _ = try EncryptedTrainingRunner.run(request)
            Issue.record("--log-n 10 without --allow-insecure")
        } catch {
            #expect(error.description.contains("--allow-insecure"), "\(error)")
        }
        #expect(EncryptedTrainingRequest.defaultLogN(refresh: .bootstrap) == 16)
        #expect(EncryptedTrainingRequest.defaultLogN(refresh: .client) == 14)
    }
}
