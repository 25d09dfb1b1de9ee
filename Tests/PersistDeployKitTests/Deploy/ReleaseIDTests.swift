import Testing
@testable import PersistDeployKit

@Suite struct ReleaseIDTests {
    @Test func placeholder() { #expect(ReleaseID.isValid("2026-11-22_14-30-00")) }
}
