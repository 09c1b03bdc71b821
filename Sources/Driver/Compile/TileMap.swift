public import HepexcPlan

/// An SVG drawing of plans' weight-tile grids: one row of panels per plan,
/// one grid per dense layer in the layer's own orientation. A stored tile is
/// shaded by its fraction of non-zero weights; a skipped (all-zero) tile is
/// blank.
public enum TileMap {
    /// - Parameter panels: titled plans, e.g. before and after permutation.
    public static func svg(_ panels: [(title: String, plan: Plan)]) -> String {
        let margin = 16.0, titleHeight = 22.0, labelHeight = 16.0, gap = 24.0
        var body = ""
        var y = margin
        var width = 0.0
        for panel in panels {
            body += text(panel.title, x: margin, y: y + 14, size: 14, bold: true)
            width = max(width, margin + Double(panel.title.count) * 8.5)
            y += titleHeight
            var x = margin
            var rowHeight = 0.0
            for layer in panel.plan.layers {
                guard case .fullyConnected(let fc) = layer else { continue }
                let cell = max(2.0, min(14.0, 360.0 / Double(max(fc.gridRows, fc.gridCols))))
                let (gridWidth, gridHeight) = (Double(fc.gridCols) * cell, Double(fc.gridRows) * cell)
                let stored = fc.tiles.count, total = fc.totalTiles
                let caption = "%\(fc.name) (\(fc.form.rawValue)) \(stored)/\(total) tiles, "
                    + String(format: "%.0f%% empty", 100 * (1 - Double(stored) / Double(max(total, 1))))
                body += text(caption, x: x, y: y + 12, size: 11, bold: false)
                let top = y + labelHeight
                body += "<rect x=\"\(x)\" y=\"\(top)\" width=\"\(gridWidth)\" height=\"\(gridHeight)\" fill=\"white\" stroke=\"#bbbbbb\" stroke-width=\"0.5\"/>\n"
                for tile in fc.tiles {
                    let density = Double(tile.values.filter { $0 != 0 }.count) / Double(max(tile.values.count, 1))
                    body += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#1f4e9c\" fill-opacity=\"%.3f\"/>\n",
                                   x + Double(tile.col) * cell, top + Double(tile.row) * cell, cell, cell, 0.15 + 0.85 * density)
                }
                x += max(gridWidth, Double(caption.count) * 6.2) + gap
                rowHeight = max(rowHeight, labelHeight + gridHeight)
            }
            width = max(width, x)
            y += rowHeight + gap
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width + margin))\" height=\"\(Int(y + margin))\" "
            + "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n"
    }

    static func text(_ value: String, x: Double, y: Double, size: Int, bold: Bool) -> String {
        let escaped = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\"\(bold ? " font-weight=\"bold\"" : "")>\(escaped)</text>\n"
    }
}
