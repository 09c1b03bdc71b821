internal import HepexcCKKS
internal import HepexcExecutor
internal import HepexcPlan

/// The runtime's parameter sets per literal (a prime search each) and the
/// rotation steps of a bootstrap per settings and parameters, computed once
/// for all candidates of one `--tile auto` selection: most candidates share
/// a handful of rings and chains. One selection's loop uses it (not shared
/// between threads).
final class ParameterMemo {
    private struct BootstrapKey: Hashable {
        var settings: BootstrapParameters
        var literal: CKKSParameters.Literal
    }

    private var sets: [CKKSParameters.Literal: Result<CKKSParameters, any Error>] = [:]
    private var bootstrapSteps: [BootstrapKey: Result<[Int], any Error>] = [:]

    /// `CKKSParameters(literal)`, or the error it throws.
    func parameters(_ literal: CKKSParameters.Literal) throws -> CKKSParameters {
        if let known = sets[literal] { return try known.get() }
        let result = Result { () throws -> CKKSParameters in try CKKSParameters(literal) }
        sets[literal] = result
        return try result.get()
    }

    /// ``Plan/meetsSecurityStandard`` of a plan with these parameters.
    func meetsSecurityStandard(_ choice: CKKSParameterChoice) -> Bool {
        var literal = choice.literal
        literal.insecure = false
        return (try? parameters(literal)) != nil
    }

    /// `BootstrapStep.rotationSteps(settings, parameters:)` (`parameters` made from `literal`), or the error it throws.
    func rotationSteps(_ settings: BootstrapParameters, literal: CKKSParameters.Literal,
                       parameters: CKKSParameters) throws -> [Int] {
        let key = BootstrapKey(settings: settings, literal: literal)
        if let known = bootstrapSteps[key] { return try known.get() }
        let result = Result { () throws -> [Int] in try BootstrapStep.rotationSteps(settings, parameters: parameters) }
        bootstrapSteps[key] = result
        return try result.get()
    }
}
