// # DebugInfo
//
// The guest image's DWARF, read with elfutils' libdw, as ProbeBench's independent reference:
//
// - `DWARFProgram` — functions (name, address range, return type, parameters in order), global
//   variables (name, address, type) and a Swift model of the C types (`DWARFType`: base types,
//   pointers, arrays, structs/unions with bitfields, enums, typedefs, qualifiers, function types).
//   `member(named:in:)` finds a member through any depth of anonymous structs and unions and adds
//   up the offsets, as typed probe arguments (`arg->field.sub`) need. Read once, then an immutable
//   `Sendable` value with no libdw handle behind it.
// - `DWARFUnwinder` — libdw's Dwfl unwinder over a register set and a memory-read callback into a
//   snapshot of guest memory, using the ELF's CFI: the second reference stack walk that the
//   guest's frame-record walks are compared with. One Dwfl session per unwinder, reused by every
//   walk; walks on one unwinder are serialised, separate unwinders run in parallel.
// - `LibDW` — libdw.so.1 opened with dlopen at run time (its headers are not needed to build).
//   When it cannot be loaded, or lacks a function, every API throws
//   `DebugInfoError.libdwUnavailable(reason:)`: callers report "unavailable", never "pass".
//
// Only 64-bit little-endian AArch64 ELF files are accepted; anything else is refused up front
// with an error naming the file and what is wrong with it.
//
// ```swift
// let program = try DWARFProgram(elfPath: guestPath)
// let packet = try program.typeID(named: "struct packet")
// let field = try program.member(dottedPath: "in.b", in: packet)   // field.byteOffset, field.type
//
// let unwinder = try DWARFUnwinder(elfPath: guestPath)
// let walk = unwinder.walk(registers: AArch64Registers(x: x, sp: sp, pc: pc)) { address in
//     memory.readUInt64(at: address)          // nil outside the snapshot
// }
// // walk.frames: [StackFrame] innermost first (pc, isActivation, symbol+offset, isCoveredByCFI)
// // walk.end: .completed, .failed(message:), .frameLimitReached(n)
// ```
//
// For a clean `.completed` end the outermost guest frame should say so in its CFI
// (`.cfi_undefined x30`); libdw reports a return address it cannot read as the end of the stack,
// which `DWARFUnwinder` turns back into `.failed` when the read fell outside the snapshot.
