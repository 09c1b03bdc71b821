public import ArgumentParser
public import HepexcDriver

// The application layer's closed choices, parsed from the command line
// (their raw values are what the user types; `--help` lists them).

extension TileChoice: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}

extension FirstLayerForm: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

extension CompileObjective: ExpressibleByArgument {}
extension ConvPacking: ExpressibleByArgument {}

extension PrecisionTarget: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
extension ExecutionBackend: ExpressibleByArgument {}
extension WeightEncodingChoice: ExpressibleByArgument {}
extension PruneScope: ExpressibleByArgument {}
extension TrainRequest.Normalization: ExpressibleByArgument {}
extension TrainRequest.Schedule: ExpressibleByArgument {}
extension TrainRequest.Optimizer: ExpressibleByArgument {}
extension TrainRequest.LossName: ExpressibleByArgument {}
extension TrainRequest.ReLUReplacement: ExpressibleByArgument {}
extension TrainRequest.DataScoreName: ExpressibleByArgument {}
extension Benchmarking.Layout: ExpressibleByArgument {}
extension EncryptedTrainingBackend: ExpressibleByArgument {}
extension EncryptedTrainingRefresh: ExpressibleByArgument {}
extension EncryptedTrainingSchedule: ExpressibleByArgument {}
extension FeatureNormalisation: ExpressibleByArgument {}
extension EncryptedPruningScoreName: ExpressibleByArgument {}
extension RandomSubsetUnitName: ExpressibleByArgument {}
extension DataLayout: ExpressibleByArgument {}

extension BootstrapMode: ExpressibleByArgument {}
