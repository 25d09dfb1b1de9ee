// The kit uses FoundationEssentials where the toolchain has it: the full Foundation would add about
// 44 MB of ICU data to a binary that never formats for a locale.
#if canImport(FoundationEssentials)
    @_exported import FoundationEssentials
#else
    @_exported import Foundation
#endif
