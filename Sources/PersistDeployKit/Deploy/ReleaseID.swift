import Glibc

/// Release ids: the UTC time of the deploy, `YYYY-MM-DD_HH-MM-SS`, with `-2`, `-3`… on a collision,
/// so sorting by name is sorting by age.
package enum ReleaseID {
    /// The base id for `date`.
    package static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))_"
            + "\(two(parts.tm_hour))-\(two(parts.tm_min))-\(two(parts.tm_sec))"
    }

    /// A fresh id for `date` that is not in `taken`.
    package static func next(at date: Date, taken: Set<String>) -> String {
        let base = timestamp(date)
        if !taken.contains(base) { return base }
        var suffix = 2
        while taken.contains("\(base)-\(suffix)") { suffix += 1 }
        return "\(base)-\(suffix)"
    }

    /// Orders ids by age: by timestamp, then by collision suffix numerically (`-10` after `-9`).
    package static func isOlder(_ a: String, than b: String) -> Bool {
        let (baseA, suffixA) = split(a)
        let (baseB, suffixB) = split(b)
        return baseA == baseB ? suffixA < suffixB : baseA < baseB
    }

    /// True for names the tool itself would give a release (other folders in releases/ are
    /// left alone).
    package static func isValid(_ name: String) -> Bool {
        let (base, _) = split(name)
        let pattern = Array("dddd-dd-dd_dd-dd-dd")
        let chars = Array(base)
        guard chars.count == pattern.count else { return false }
        for (c, p) in zip(chars, pattern) {
            if p == "d" ? !c.isASCII || !c.isNumber : c != p { return false }
        }
        return true
    }

    /// The timestamp and the collision number (1 when there is none). Only a suffix the tool
    /// writes counts: `-` then digits from 2 up without a leading zero; `Int("+5")` alone would
    /// also accept `-+5`, `--5`, `-0` and `-05`.
    private static func split(_ id: String) -> (String, Int) {
        let timestampLength = 19
        guard id.count > timestampLength + 1 else { return (id, 1) }
        let base = String(id.prefix(timestampLength))
        let rest = id.dropFirst(timestampLength)
        let digits = rest.dropFirst()
        guard rest.first == "-", digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(digits), number >= 2
        else { return (id, 1) }
        return (base, number)
    }
}
