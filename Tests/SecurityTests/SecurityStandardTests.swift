import HepexcSecurity
import Testing

/// The one security table: the HE standard's 128-bit bounds (and the
/// lattice-estimator extension at 2^16 that OpenFHE enforces).
@Suite struct SecurityStandardTests {
    @Test func boundsMatchTheStandard() {
        let expected = [10: 27, 11: 54, 12: 109, 13: 218, 14: 438, 15: 881, 16: 1747]
        #expect(SecurityStandard.maxLogQP128 == expected)
        #expect(SecurityStandard.maxLogQP(logN: 16) == 1747)
        #expect(SecurityStandard.maxLogQP(logN: 17) == nil)
        // The bound roughly doubles with N (a table typo would not).
        for logN in 11...16 {
            let ratio = Double(SecurityStandard.maxLogQP(logN: logN) ?? 0) / Double(SecurityStandard.maxLogQP(logN: logN - 1) ?? 1)
            #expect(ratio > 1.95 && ratio < 2.05, "2^\(logN): ratio \(ratio)")
        }
    }
}
