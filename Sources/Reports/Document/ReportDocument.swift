/// A report as structure, rendered to Markdown and HTML by the renderers.
public struct ReportDocument: Sendable, Equatable {
    public var title: String
    public var subtitle: String
    public var sections: [ReportSection]

    public init(title: String, subtitle: String, sections: [ReportSection]) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }
}

/// One question or topic: prose, tables and charts in order.
public struct ReportSection: Sendable, Equatable {
    public var title: String
    public var blocks: [ReportBlock]

    public init(title: String, blocks: [ReportBlock]) {
        self.title = title
        self.blocks = blocks
    }
}

/// A piece of a section.
public enum ReportBlock: Sendable, Equatable {
    case paragraph(String)
    /// A sentence computed from the data that answers the section's question.
    case verdict(String)
    case table(ReportTable)
    case barChart(BarChart)
    case lineChart(LineChart)
    /// Preformatted text (listings, examples).
    case code(String)
}

/// A table with a header row; cells are already formatted.
public struct ReportTable: Sendable, Equatable {
    public var caption: String
    public var headers: [String]
    public var rows: [[String]]
    /// Columns whose cells are numbers (right-aligned).
    public var numericColumns: Set<Int>

    public init(caption: String, headers: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        self.caption = caption
        self.headers = headers
        self.rows = rows
        self.numericColumns = numericColumns
    }
}

/// Grouped horizontal bars: one group per category, one bar per series.
public struct BarChart: Sendable, Equatable {
    public var title: String
    public var unit: String
    public var categories: [String]
    public var series: [Series]

    public struct Series: Sendable, Equatable {
        public var name: String
        /// One value per category; nil leaves a gap.
        public var values: [Double?]

        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    public init(title: String, unit: String, categories: [String], series: [Series]) {
        self.title = title
        self.unit = unit
        self.categories = categories
        self.series = series
    }
}

/// Lines over a numeric x axis (scaling curves).
public struct LineChart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [(x: Double, y: Double)]

        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }

        public static func == (lhs: Series, rhs: Series) -> Bool {
            lhs.name == rhs.name && lhs.points.elementsEqual(rhs.points) { $0.x == $1.x && $0.y == $1.y }
        }
    }

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }
}

/// Number formatting shared by every renderer.
public enum ReportFormat {
    /// A count or cycle figure: integers without decimals, others with one or two.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return abs(value) >= 100 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    /// A figure for machines (CSV): reading it back as a Double gives `value` exactly. Whole numbers
    /// are written without decimals, as `number` writes them; others in Swift's shortest
    /// round-trip form ("22.625", "0.3333333333333333", "1e-05"); NaN and infinities as "nan",
    /// "inf", "-inf", which Swift's `Double(_:)`, Python's `float` and pandas read back.
    public static func exact(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 0x1p53 { return String(Int64(value)) }
        return value.description
    }

    /// A signed difference: "+12", "−3.5".
    public static func signed(_ value: Double) -> String {
        let text = number(abs(value))
        return value > 0 ? "+" + text : (value < 0 ? "−" + text : "0")
    }

    /// A ratio as a percentage: "+12.3%".
    public static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        let text = String(format: "%.1f%%", abs(value))
        return value > 0 ? "+" + text : (value < 0 ? "−" + text : "0%")
    }
}
