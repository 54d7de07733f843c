/// Where a member lies inside an outer struct or union, found by name through any depth of
/// anonymous structs and unions, with the byte offsets of every level added up.
public struct MemberLocation: Equatable, Sendable {
    /// The members descended through, outermost first; the last is the member that was asked for,
    /// the others are anonymous members (or, for a dotted path, the named members on the way).
    public let route: [Member]
    /// The offset in bytes of the member (for a bitfield: of its storage unit) from the start of
    /// the outer type.
    public let byteOffset: Int

    public init(route: [Member], byteOffset: Int) {
        self.route = route
        self.byteOffset = byteOffset
    }

    /// The member that was asked for.
    public var member: Member { route[route.count - 1] }
    /// The member's declared type.
    public var type: TypeID { member.type }
    /// The member's bitfield layout relative to the storage unit at ``byteOffset``, if it is one.
    public var bitField: BitField? { member.bitField }
}

extension DWARFProgram {
    /// Finds the member `name` of the struct or union `type` (typedefs and qualifiers are looked
    /// through), descending into anonymous struct and union members at any depth and adding up
    /// their offsets.
    ///
    /// - Throws: ``DebugInfoError/notAnAggregate(member:typeName:path:)`` when `type` is not a
    ///   struct or union, ``DebugInfoError/memberNotFound(member:typeName:path:)`` when no member
    ///   of that name exists.
    public func member(named name: String, in type: TypeID) throws -> MemberLocation {
        let aggregateID = try aggregateID(for: type, lookingFor: name)
        guard let found = search(name, in: aggregateID, depth: 0) else {
            throw DebugInfoError.memberNotFound(member: name, typeName: self.name(of: type), path: path)
        }
        return found
    }

    /// Follows a path of member names through embedded (not pointed-to) structs and unions:
    /// `["in", "b"]` for `x.in.b`. Each step may pass through anonymous members. The offsets of all
    /// steps are added up.
    ///
    /// - Throws: as ``member(named:in:)``, naming the step that failed.
    public func member(path names: [String], in type: TypeID) throws -> MemberLocation {
        guard let firstName = names.first else {
            throw DebugInfoError.memberNotFound(member: "", typeName: name(of: type), path: path)
        }
        var location = try member(named: firstName, in: type)
        for name in names.dropFirst() {
            let next = try member(named: name, in: location.type)
            location = MemberLocation(route: location.route + next.route, byteOffset: location.byteOffset + next.byteOffset)
        }
        return location
    }

    /// Like ``member(path:in:)`` with the names separated by dots: `"in.b"`.
    public func member(dottedPath: String, in type: TypeID) throws -> MemberLocation {
        try member(path: dottedPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init), in: type)
    }

    /// The struct or union that `type` denotes once typedefs and qualifiers are removed and a
    /// declaration is replaced by its definition.
    private func aggregateID(for type: TypeID, lookingFor member: String) throws -> TypeID {
        let resolved = resolvingTypedefs(type)
        guard aggregate(of: resolved) != nil else {
            throw DebugInfoError.notAnAggregate(member: member, typeName: name(of: type), path: path)
        }
        return completeDefinition(of: resolved) ?? resolved
    }

    private func search(_ name: String, in aggregateID: TypeID, depth: Int) -> MemberLocation? {
        guard depth < 64, let composite = aggregate(of: aggregateID) else { return nil }
        for member in composite.members where member.name == name {
            return MemberLocation(route: [member], byteOffset: member.byteOffset)
        }
        for member in composite.members where member.name == nil && member.bitField == nil {
            let inner = resolvingTypedefs(member.type)
            guard aggregate(of: inner) != nil,
                let found = search(name, in: completeDefinition(of: inner) ?? inner, depth: depth + 1)
            else { continue }
            return MemberLocation(route: [member] + found.route, byteOffset: member.byteOffset + found.byteOffset)
        }
        return nil
    }
}
