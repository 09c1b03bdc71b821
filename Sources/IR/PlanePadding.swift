/// Zero padding (negative entries crop) of the last two axes of a stack of
/// planes, shared by the reference interpreter (`Double`) and the training
/// engine (`Float`), so `pad` means the same in both.
public enum PlanePadding {
    /// `values` (`planes` planes of height × width, row-major) with
    /// `pads` = [top, left, bottom, right] zeros added (removed where
    /// negative); the output planes are (height + top + bottom) ×
    /// (width + left + right).
    public static func pad<Element: Numeric>(_ values: [Element], planes: Int, height: Int, width: Int,
                                             pads: [Int]) -> [Element] {
        let outH = height + pads[0] + pads[2], outW = width + pads[1] + pads[3]
        var out = [Element](repeating: 0, count: planes * outH * outW)
        for plane in 0..<planes {
            for oy in 0..<outH {
                let iy = oy - pads[0]
                guard iy >= 0, iy < height else { continue }
                for ox in 0..<outW {
                    let ix = ox - pads[1]
                    guard ix >= 0, ix < width else { continue }
                    out[(plane * outH + oy) * outW + ox] = values[(plane * height + iy) * width + ix]
                }
            }
        }
        return out
    }
}
