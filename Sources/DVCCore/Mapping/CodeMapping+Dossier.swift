extension Dossier {
    /// The dossier with its procedure code, field code, applicant type and status replaced by
    /// their national values where `mapping` maps them (mapping a typed dossier, e.g. an
    /// agency-suffixed procedure code to its catalogue code; local codes that are not codes at all
    /// are mapped as they are decoded, see ``CodeMapping``).
    public func mapped(by mapping: CodeMapping) -> Dossier {
        guard !mapping.isEmpty else { return self }
        var dossier = self
        if let national = mapping.national(procedureCode.rawValue, in: .procedure), let code = try? ProcedureCode(validating: national) {
            dossier.procedureCode = code
        }
        if let national = mapping.national(fieldCode.rawValue, in: .field), let code = try? FieldCode(validating: national) {
            dossier.fieldCode = code
        }
        if let national = mapping.national(applicantType.wireValue, in: .applicantType) {
            dossier.applicantType = ApplicantType(wireValue: national)
        }
        if let national = mapping.national(status.wireValue, in: .status), let status = DossierStatus(wireValue: national) {
            dossier.status = status
        }
        return dossier
    }
}
