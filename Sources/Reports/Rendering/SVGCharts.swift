import Foundation

/// Inline SVG charts: grouped horizontal bars and line charts with axes, ticks and legends.
enum SVGCharts {
    static let palette = ["#3366cc", "#dc6b2f", "#3a8a4c", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d"]

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    static func text(_ value: Double) -> String { String(format: "%.1f", value) }

    /// "Nice" axis ticks covering 0…max.
    static func ticks(upTo maximum: Double, count: Int = 5) -> [Double] {
        guard maximum > 0 else { return [0, 1] }
        let raw = maximum / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return Array(stride(from: 0, through: maximum + step * 0.999, by: step))
    }

    static func bars(_ chart: BarChart) -> String {
        let seriesCount = max(1, chart.series.count)
        let barHeight = 14.0, groupGap = 10.0
        let labelWidth = 210.0, plotWidth = 560.0, legendHeight = Double(chart.series.count > 1 ? 24 : 0)
        let groupHeight = Double(seriesCount) * barHeight + groupGap
        let plotHeight = Double(chart.categories.count) * groupHeight
        let height = 40 + legendHeight + plotHeight + 36
        let width = labelWidth + plotWidth + 90
        let values = chart.series.flatMap { $0.values.compactMap { $0 } }
        let minimum = min(0, values.min() ?? 0)
        let maximum = max(values.max() ?? 1, 0)
        let axisTicks = ticks(upTo: maximum - minimum)
        let top = axisTicks.last ?? 1
        let scale = plotWidth / max(top, 1e-9)
        let zeroX = labelWidth + (-minimum) * scale
        let plotTop = 30 + legendHeight

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(text(width)) \(text(height))\" role=\"img\" aria-label=\"\(HTMLRenderer.escape(chart.title))\">"
        svg += "<text x=\"0\" y=\"18\" style=\"font-weight:bold\">\(HTMLRenderer.escape(chart.title)) (\(HTMLRenderer.escape(chart.unit)))</text>"
        if chart.series.count > 1 {
            var x = labelWidth
            for (index, series) in chart.series.enumerated() {
                svg += "<rect x=\"\(text(x))\" y=\"\(text(30))\" width=\"12\" height=\"12\" fill=\"\(color(index))\"/>"
                svg += "<text x=\"\(text(x + 16))\" y=\"\(text(40))\">\(HTMLRenderer.escape(series.name))</text>"
                x += 20 + Double(series.name.count) * 7
            }
        }
        for tick in axisTicks {
            let position = labelWidth + tick * scale
            svg += "<line x1=\"\(text(position))\" y1=\"\(text(plotTop))\" x2=\"\(text(position))\" y2=\"\(text(plotTop + plotHeight))\" stroke=\"#e3e7ee\"/>"
            svg += "<text x=\"\(text(position))\" y=\"\(text(plotTop + plotHeight + 16))\" text-anchor=\"middle\">\(ReportFormat.number(tick + minimum))</text>"
        }
        for (categoryIndex, category) in chart.categories.enumerated() {
            let groupTop = plotTop + Double(categoryIndex) * groupHeight
            svg += "<text x=\"\(text(labelWidth - 6))\" y=\"\(text(groupTop + Double(seriesCount) * barHeight / 2 + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(category))</text>"
            for (seriesIndex, series) in chart.series.enumerated() {
                guard categoryIndex < series.values.count, let value = series.values[categoryIndex] else { continue }
                let y = groupTop + Double(seriesIndex) * barHeight
                let start = value >= 0 ? zeroX : zeroX + value * scale
                let length = abs(value) * scale
                svg += "<rect x=\"\(text(start))\" y=\"\(text(y))\" width=\"\(text(max(length, 0.5)))\" height=\"\(text(barHeight - 2))\" fill=\"\(color(seriesIndex))\"><title>\(HTMLRenderer.escape("\(category) · \(series.name): \(ReportFormat.number(value)) \(chart.unit)"))</title></rect>"
                svg += "<text x=\"\(text(start + length + 4))\" y=\"\(text(y + barHeight - 4))\">\(ReportFormat.number(value))</text>"
            }
        }
        svg += "<line x1=\"\(text(zeroX))\" y1=\"\(text(plotTop))\" x2=\"\(text(zeroX))\" y2=\"\(text(plotTop + plotHeight))\" stroke=\"#1d2330\"/>"
        return svg + "</svg>"
    }

    static func lines(_ chart: LineChart) -> String {
        let left = 70.0, right = 180.0, top = 34.0, bottom = 46.0
        let plotWidth = 560.0, plotHeight = 280.0
        let width = left + plotWidth + right, height = top + plotHeight + bottom
        let points = chart.series.flatMap(\.points)
        let maxX = points.map(\.x).max() ?? 1, minX = min(0, points.map(\.x).min() ?? 0)
        let maxY = points.map(\.y).max() ?? 1
        let xTicks = ticks(upTo: maxX - minX), yTicks = ticks(upTo: max(maxY, 1e-9))
        let xSpan = max((xTicks.last ?? 1), 1e-9), ySpan = max((yTicks.last ?? 1), 1e-9)
        func px(_ x: Double) -> Double { left + (x - minX) / xSpan * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - y / ySpan * plotHeight }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(text(width)) \(text(height))\" role=\"img\" aria-label=\"\(HTMLRenderer.escape(chart.title))\">"
        svg += "<text x=\"0\" y=\"18\" style=\"font-weight:bold\">\(HTMLRenderer.escape(chart.title))</text>"
        for tick in yTicks {
            svg += "<line x1=\"\(text(left))\" y1=\"\(text(py(tick)))\" x2=\"\(text(left + plotWidth))\" y2=\"\(text(py(tick)))\" stroke=\"#e3e7ee\"/>"
            svg += "<text x=\"\(text(left - 6))\" y=\"\(text(py(tick) + 4))\" text-anchor=\"end\">\(ReportFormat.number(tick))</text>"
        }
        for tick in xTicks {
            svg += "<text x=\"\(text(px(tick + minX)))\" y=\"\(text(top + plotHeight + 16))\" text-anchor=\"middle\">\(ReportFormat.number(tick + minX))</text>"
        }
        svg += "<line x1=\"\(text(left))\" y1=\"\(text(top + plotHeight))\" x2=\"\(text(left + plotWidth))\" y2=\"\(text(top + plotHeight))\" stroke=\"#1d2330\"/>"
        svg += "<line x1=\"\(text(left))\" y1=\"\(text(top))\" x2=\"\(text(left))\" y2=\"\(text(top + plotHeight))\" stroke=\"#1d2330\"/>"
        svg += "<text x=\"\(text(left + plotWidth / 2))\" y=\"\(text(height - 8))\" text-anchor=\"middle\">\(HTMLRenderer.escape(chart.xLabel))</text>"
        svg += "<text x=\"14\" y=\"\(text(top + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(text(top + plotHeight / 2)))\">\(HTMLRenderer.escape(chart.yLabel))</text>"
        for (index, series) in chart.series.enumerated() {
            let sorted = series.points.sorted { $0.x < $1.x }
            let path = sorted.map { "\(text(px($0.x))),\(text(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color(index))\" stroke-width=\"2\" points=\"\(path)\"/>"
            for point in sorted {
                svg += "<circle cx=\"\(text(px(point.x)))\" cy=\"\(text(py(point.y)))\" r=\"3\" fill=\"\(color(index))\"><title>\(HTMLRenderer.escape("\(series.name): \(ReportFormat.number(point.y)) at \(ReportFormat.number(point.x))"))</title></circle>"
            }
            let legendY = top + 10 + Double(index) * 18
            svg += "<rect x=\"\(text(left + plotWidth + 14))\" y=\"\(text(legendY - 9))\" width=\"12\" height=\"12\" fill=\"\(color(index))\"/>"
            svg += "<text x=\"\(text(left + plotWidth + 30))\" y=\"\(text(legendY + 1))\">\(HTMLRenderer.escape(series.name))</text>"
        }
        return svg + "</svg>"
    }
}
