import Foundation
import HepexcData
import HepexcDriver
import Testing
import _HepexcTestSupport

/// `EncryptedTrainingRunner.run`: a full simulated run that writes a model,
/// and bad inputs that fail with one line and write nothing.
@Suite struct TrainEncryptedDriverTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "ptrain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func writeData(_ name: String, samples: Int, width: Int = 6, labels: [Int]? = nil, scale: Double = 1,
                   poison: Bool = false, labelCount: Int? = nil) throws -> String {
        try TrainingTestSupport.writeBlobs(directory: directory, name: name, samples: samples, width: width, labels: labels,
                                           scale: scale, poison: poison, labelCount: labelCount)
    }

    func request(_ train: String, _ test: String) -> EncryptedTrainingRequest {
        var request = EncryptedTrainingRequest(dataPath: train, testPath: test)
        request.epochs = 2
        request.batchSize = 32
        request.learningRate = 4
        request.backend = .simulated
        request.logN = 13
        request.outputPath = "\(directory)/head.onnx"
        return request
    }

    func expectOneLineFailure(_ request: EncryptedTrainingRequest, containing text: String) {
        do {
            _ = try EncryptedTrainingRunner.run(request)
            Issue.record("expected a failure mentioning \(text)")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(text), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: request.outputPath ?? ""))
    }

    @Test func simulatedRunWritesAModelWithTheSameAccuracy() throws {
        let train = try writeData("train", samples: 90), test = try writeData("test", samples: 30)
        let report = try EncryptedTrainingRunner.run(request(train, test))
        #expect(report.epochs.count == 2)
        #expect(report.secure)
        #expect(report.testAccuracy > 0.9)
        #expect(abs(report.testAccuracy - report.plaintextTestAccuracy) <= 0.005 + 1e-9)
        #expect(report.exportedTestAccuracy == report.testAccuracy)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/head.onnx"))
        #expect(try ReportEncoder.json(report).contains("\"bytes_to_server\""))
        #expect(report.text.contains("test accuracy"))
    }

    @Test func backboneCutAtAHiddenValue() throws {
        let train = try writeData("train", samples: 60, width: 64), test = try writeData("test", samples: 30, width: 64)
        var request = request(train, test)
        request.backbonePath = TestPaths.path("models/digits_mlp_square.onnx")
        request.featureValue = "%1"
        let report = try EncryptedTrainingRunner.run(request)
        #expect(report.features == 64)
        #expect(report.exportedTestAccuracy == report.testAccuracy)
    }

    @Test func featuresAndLabelsOfDifferentLengths() throws {
        let train = try writeData("train", samples: 60, labelCount: 50), test = try writeData("test", samples: 30)
        expectOneLineFailure(request(train, test), containing: "train.npz")
    }

    @Test func testLabelsOutsideTheTrainedClasses() throws {
        let train = try writeData("train", samples: 60), test = try writeData("test", samples: 30, labels: [0, 1, 7])
        expectOneLineFailure(request(train, test), containing: "label 7")
    }

    @Test func trainingLabelsAboveTheClassCount() throws {
        let train = try writeData("train", samples: 60), test = try writeData("test", samples: 30)
        var request = request(train, test)
        request.classCount = 2
        expectOneLineFailure(request, containing: "outside 0..<2")
    }

    @Test func nonFiniteFeatures() throws {
        let train = try writeData("train", samples: 60, poison: true), test = try writeData("test", samples: 30)
        expectOneLineFailure(request(train, test), containing: "nan")
    }

    @Test func unknownBackboneValue() throws {
        let train = try writeData("train", samples: 60, width: 64), test = try writeData("test", samples: 30, width: 64)
        var request = request(train, test)
        request.backbonePath = TestPaths.path("models/digits_mlp_square.onnx")
        request.featureValue = "%hidden"
        expectOneLineFailure(request, containing: "no value %hidden")
    }

    @Test func featuresTheSoftmaxDomainCannotHold() throws {
        let train = try writeData("train", samples: 60, scale: 10), test = try writeData("test", samples: 30)
        var request = request(train, test)
        request.normalisation = .none
        expectOneLineFailure(request, containing: "softmax domain")
    }
}
