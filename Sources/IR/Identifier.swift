/// Rules for the names after `%` and `@` in the textual IR.
///
/// A bare name is `[A-Za-z0-9_.$-]+`; anything else (ONNX names such as
/// `onnx::Gemm_5` or `/fc1/Gemm_output_0`) is printed quoted: `@"onnx::Gemm_5"`.
public enum Identifier {
    public static func isBareCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "$", "-": return true
        default: return false
        }
    }

    public static func isBare(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy(isBareCharacter)
    }

    /// The name as it appears after the sigil.
    public static func printable(_ name: String) -> String {
        isBare(name) ? name : AttributeValue.quoted(name)
    }
}
