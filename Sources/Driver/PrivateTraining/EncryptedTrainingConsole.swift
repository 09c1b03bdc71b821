/// Standard-error output of `hepexc train-encrypted`: the per-epoch
/// progress bar (only on a terminal) and one-line errors.
public enum EncryptedTrainingConsole {
    /// A progress callback that redraws a bar on standard error, or nil when
    /// standard error is not a terminal.
    public static func progressBarIfTerminal() -> EncryptedTrainingRunner.Progress? {
        ProgressBar.counterIfTerminal(label: "train-encrypted epoch")
    }
}
