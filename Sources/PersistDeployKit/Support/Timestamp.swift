import Glibc

/// UTC timestamps in ISO 8601 (`2026-11-22T14:30:00Z`), without Foundation's formatters.
package enum Timestamp {
    package static func iso8601(_ date: Date) -> String {
        // The release id already holds every field: YYYY-MM-DD_HH-MM-SS.
        let id = Array(ReleaseID.timestamp(date))
        return String(id[0..<10]) + "T" + String(id[11..<13]) + ":" + String(id[14..<16]) + ":" + String(id[17..<19]) + "Z"
    }

    /// The date of a timestamp written by `iso8601` (exactly that form), or nil.
    package static func date(iso8601 text: String) -> Date? {
        let characters = Array(text)
        guard characters.count == 20, characters[4] == "-", characters[7] == "-", characters[10] == "T",
            characters[13] == ":", characters[16] == ":", characters[19] == "Z"
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? { Int32(String(characters[range])) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: Double(timegm(&parts)))
    }
}
