import PersistDeployKit
import Testing

@Suite struct ReleaseIDTests {
    @Test(arguments: [
        (0.0, "1970-01-01_00-00-00"), (1_795_357_800.9, "2026-11-22_14-30-00"),
        (951_782_400, "2000-02-29_00-00-00"), (4_102_444_799, "2099-12-31_23-59-59"),
    ])
    func timestampIsUTCWithTwoDigitFields(seconds: Double, expected: String) {
        #expect(ReleaseID.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
        #expect(ReleaseID.isValid(expected))
    }

    @Test func collisionsGetTwoThenThree() {
        let date = Date(timeIntervalSince1970: 1_795_357_800)
        let base = "2026-11-22_14-30-00"
        #expect(ReleaseID.next(at: date, taken: []) == base)
        #expect(ReleaseID.next(at: date, taken: [base]) == base + "-2")
        #expect(ReleaseID.next(at: date, taken: [base, base + "-2"]) == base + "-3")
        #expect(ReleaseID.next(at: date, taken: [base, base + "-3"]) == base + "-2")
        #expect(ReleaseID.next(at: date, taken: ["2026-11-22_14-29-59"]) == base)
    }

    @Test func sortingByAgePutsTenAfterNine() {
        let base = "2026-11-22_14-30-00"
        let ids = [base + "-10", "2026-11-22_14-30-01", base + "-2", base, base + "-9", "2025-01-01_00-00-00"]
        #expect(ids.sorted(by: ReleaseID.isOlder) == [
            "2025-01-01_00-00-00", base, base + "-2", base + "-9", base + "-10", "2026-11-22_14-30-01",
        ])
        #expect(!ReleaseID.isOlder(base, than: base))
    }

    @Test(arguments: [
        "2026-11-22_14-30-00", "2026-11-22_14-30-00-2", "2026-11-22_14-30-00-10", "2026-11-22_14-30-00-123",
    ])
    func validIDs(id: String) {
        #expect(ReleaseID.isValid(id))
    }

    /// Only names the tool itself would give: other folders in releases/ are left alone.
    @Test(arguments: [
        "", "current", "2026-11-22", "2026-11-22 14-30-00", "2026-11-22_14-30-0", "2026-11-22_14-30-000",
        "2026-11-22_14-30-00-", "2026-11-22_14-30-00-x", "2026-11-22_14-30-00--2", "2026-11-22_14-30-00-+2",
        "2026-11-22_14-30-00-0", "2026-11-22_14-30-00-1", "2026-11-22_14-30-00-02", "2026-11-22_14-30-00_2",
        "٢٠٢٦-11-22_14-30-00", "2026-11-22_14-30-00.tmp", "2026-11-22_14-30-00-2-2",
    ])
    func invalidIDs(id: String) {
        #expect(!ReleaseID.isValid(id))
    }
}
