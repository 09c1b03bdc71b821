/// How ciphertexts that run out of levels get fresh ones.
public enum RefreshMode: String, Sendable, Codable, CaseIterable {
    /// Client-aided: the server sends the ciphertext to the client, which
    /// decrypts it and sends back a fresh encryption at the top level.
    case client
    /// Refreshing is off: running out of levels is an error.
    case none
    /// Server-side CKKS bootstrapping (``TrainingBootstrap``): no traffic,
    /// the client stays offline between encrypting the data and receiving
    /// the head.
    case bootstrap
}

/// Traffic and refreshes, as the protocol's two parties see them.
public struct TrafficLedger: Sendable, Codable, Equatable {
    /// Ciphertexts refreshed by the client.
    public var refreshes = 0
    /// Ciphertexts the server bootstrapped (`RefreshMode.bootstrap`; no traffic).
    public var bootstraps = 0
    /// Bytes the client sent to the server (fresh encryptions).
    public var bytesToServer = 0
    /// Bytes the server sent to the client (refresh requests, the head).
    public var bytesToClient = 0
    public init() { }

    public static func + (a: Self, b: Self) -> Self {
        var sum = a
        sum.refreshes += b.refreshes
        sum.bootstraps += b.bootstraps
        sum.bytesToServer += b.bytesToServer
        sum.bytesToClient += b.bytesToClient
        return sum
    }
    public static func - (a: Self, b: Self) -> Self {
        var difference = a
        difference.refreshes -= b.refreshes
        difference.bootstraps -= b.bootstraps
        difference.bytesToServer -= b.bytesToServer
        difference.bytesToClient -= b.bytesToClient
        return difference
    }
}
