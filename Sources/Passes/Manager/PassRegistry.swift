/// Every pass the pipeline parser knows, and named pipelines.
public enum PassRegistry {
    public static let passes: [any Pass.Type] = [
        FusePolynomialPass.self,
        FuseBiasPass.self,
        DeadCodeEliminationPass.self,
        FoldBatchNormPass.self,
        PrunePass.self,
        PruneTilesPass.self,
        PermutePass.self,
        PrunePackPass.self,
        ExpandPass.self,
        ApproximatePass.self,
    ]

    /// Pipelines that expand to several passes.
    public static let aliases: [String: String] = [
        "canonicalize": "fuse-poly,fuse-bias,dce",
    ]

    /// The pipeline every frontend import runs before the user's passes.
    public static let importPipeline = "canonicalize"

    public static func pass(named name: String) -> (any Pass.Type)? {
        passes.first { $0.name == name }
    }

    public static var knownNames: [String] { passes.map { $0.name } + aliases.keys.sorted() }
}
