internal import Foundation

/// How much memory a data file may make hepexc allocate. A 1 MB `.npz` or
/// `idx.gz` can declare (or inflate to) gigabytes; every decompression and
/// every array allocation driven by a file is checked against this limit
/// before it happens.
public enum DataLimits {
    /// The environment variable that overrides the default limit (bytes).
    public static let environmentKey = "HEPEXC_MAX_INPUT_BYTES"

    /// 4 GiB by default: far above every data set hepexc is used with
    /// (full MNIST is 47 MB as float32), far below the machine's memory.
    public static let defaultMaximumBytes = 1 << 32

    /// The limit in force.
    public static let maximumBytes: Int = {
        if let text = ProcessInfo.processInfo.environment[environmentKey], let value = Int(text), value > 0 { return value }
        return defaultMaximumBytes
    }()
}
