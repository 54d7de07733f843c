import Testing
@testable import Harness

/// What a run records about the process it ran in.
struct RunContextTests {
    @Test("peak memory comes from VmHWM, which exec resets, in kilobytes")
    func peakResidentBytesReadsVmHWM() {
        let status = "Name:\tbench\nVmPeak:\t  999999 kB\nVmHWM:\t   46080 kB\nVmRSS:\t   40000 kB\n"
        #expect(RunContext.peakResidentBytes(procStatus: status) == 46_080 * 1024)
        #expect(RunContext.peakResidentBytes(procStatus: "VmHWM:\t46080 MB\n") == nil, "an unexpected unit is not read as kB")
        #expect(RunContext.peakResidentBytes(procStatus: "VmRSS:\t40000 kB\n") == nil)
    }

    @Test("this process's peak memory is read and plausible")
    func peakResidentBytesOfThisProcess() {
        let peak = RunContext.peakResidentBytes
        #expect(peak > 1_048_576 && peak < 1 << 40, "\(peak) bytes")
    }
}
