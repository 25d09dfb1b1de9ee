/// UTC timestamps in ISO 8601 (`2026-11-22T14:30:00Z`), without Foundation's formatters.
package enum Timestamp {
    package static func iso8601(_ date: Date) -> String {
        // The release id already holds every field: YYYY-MM-DD_HH-MM-SS.
        let id = Array(ReleaseID.timestamp(date))
        return String(id[0..<10]) + "T" + String(id[11..<13]) + ":" + String(id[14..<16]) + ":" + String(id[17..<19]) + "Z"
    }
}
