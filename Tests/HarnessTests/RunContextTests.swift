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

    @Test("the processor model is read from the first processor of /proc/cpuinfo, on x86 and on Arm")
    func hostProcessorFromCPUInfo() {
        let x86 = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 1
            model name\t: AMD EPYC
            stepping\t: 1

            processor\t: 1
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 85
            """
        #expect(RunContext.hostProcessor(cpuinfo: x86) == "AMD EPYC (AuthenticAMD family 25 model 1 stepping 1)")
        let arm = """
            processor\t: 0
            BogoMIPS\t: 50.00
            CPU implementer\t: 0x41
            CPU architecture: 8
            CPU variant\t: 0x3
            CPU part\t: 0xd0c
            CPU revision\t: 1
            """
        #expect(RunContext.hostProcessor(cpuinfo: arm) == "Arm implementer 0x41 part 0xd0c variant 0x3 revision 1")
        #expect(RunContext.hostProcessor(cpuinfo: "processor\t: 0\nflags\t: fpu\n") == nil)
        #expect(RunContext.hostProcessor(cpuinfo: "") == nil)
    }

    #if os(Linux) && (arch(x86_64) || arch(arm64))
    @Test("this machine's processor model is known")
    func hostProcessorOfThisMachine() {
        #expect(RunContext.hostProcessor != nil)
    }
    #endif

    @Test("this process's peak memory is read and plausible")
    func peakResidentBytesOfThisProcess() {
        let peak = RunContext.peakResidentBytes
        #expect(peak > 1_048_576 && peak < 1 << 40, "\(peak) bytes")
    }
}
