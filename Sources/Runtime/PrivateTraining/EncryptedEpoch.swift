public import HepexcPlan

/// Wall-clock seconds per phase of the protocol.
public struct PhaseTimes: Sendable, Codable, Equatable {
    /// Client: encrypting features, labels and the initial weights.
    public var encrypt = 0.0
    /// Server: DiagABT logits.
    public var forward = 0.0
    /// Server: the polynomial softmax and −λ(P − Y).
    public var softmax = 0.0
    /// Server: DiagATB gradient.
    public var backward = 0.0
    /// Server: the Nesterov update.
    public var update = 0.0
    /// Client-aided refreshes (both parties).
    public var refresh = 0.0
    /// Client: decrypting the head.
    public var decrypt = 0.0
    public init() { }

    public var total: Double { encrypt + forward + softmax + backward + update + refresh + decrypt }
}

/// What one epoch of encrypted training did.
public struct EncryptedEpoch: Sendable {
    public let epoch: Int
    /// The head the client decrypted after the epoch.
    public let head: HeadModel
    public let times: PhaseTimes
    public let counts: OpCounts
    public let traffic: TrafficLedger
    public let steps: Int
    /// The learning rate of the epoch's last step.
    public let learningRate: Double
}
