import DebugInfo
import Emulator
import GuestKernel

/// What the resolver knows about the guest image: its symbols, which functions have a patchable
/// entry, and its DWARF (or why there is none).
public struct ProbeTargetImage: Sendable {
    /// The ELF symbol table (functions and data symbols for `@SYM`).
    public let symbols: SymbolTable
    /// Functions with a recorded patchable entry: the only ones the guest attaches to.
    public let patchableFunctions: Set<UInt64>
    /// The guest's DWARF; nil when it could not be read (then only untyped arguments resolve).
    public let debugInfo: DWARFProgram?
    /// Why `debugInfo` is nil (e.g. libdw unavailable).
    public let debugInfoProblem: String?

    public init(symbols: SymbolTable, patchableFunctions: Set<UInt64>, debugInfo: DWARFProgram?,
                debugInfoProblem: String?) {
        self.symbols = symbols
        self.patchableFunctions = patchableFunctions
        self.debugInfo = debugInfo
        self.debugInfoProblem = debugInfo == nil ? (debugInfoProblem ?? "no DWARF was loaded") : nil
    }

    /// The image a booted guest runs, with its DWARF read through libdw (or the reason it could not be).
    public init(kernel: GuestKernel, debugInfo: Result<DWARFProgram, Error>) {
        var problem: String?
        var program: DWARFProgram?
        switch debugInfo {
        case .success(let loaded): program = loaded
        case .failure(let error): problem = "\(error)"
        }
        self.init(symbols: kernel.symbols, patchableFunctions: kernel.patchableFunctions(), debugInfo: program,
                  debugInfoProblem: problem)
    }

    /// Loads the DWARF of the kernel's image (libdw), returning the error instead of throwing.
    public static func loadDebugInfo(for kernel: GuestKernel) -> Result<DWARFProgram, Error> {
        Result { try DWARFProgram(elfPath: kernel.imageURL.path) }
    }

}
