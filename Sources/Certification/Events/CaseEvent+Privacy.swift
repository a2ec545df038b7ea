extension CaseEvent {
    /// A privacy officer erased personal data of a closed case (issue 17): the groups' keys are
    /// destroyed once this is durable, so every event's sealed fields of those groups can no
    /// longer be read by anyone. The case's facts stay. `reason` and `basis` are kept in clear
    /// for auditors (they must not themselves hold personal data).
    public struct PersonalDataErased: Sendable, Hashable {
        /// The groups erased: `.all`, or `.details` (the certificate record kept).
        public var groups: PersonalDataGroups
        public var reason: String
        /// The legal basis (`PIPL art. 47`, a retention rule's name).
        public var basis: String
        public init(groups: PersonalDataGroups, reason: String, basis: String) {
            self.groups = groups
            self.reason = reason
            self.basis = basis
        }
    }

    /// A legal hold on a case (an audit, litigation, a regulator's request): while it is open the
    /// case's personal data is never erased.
    public struct HoldPlaced: Sendable, Hashable {
        public var holdID: String
        public var reason: String
        public init(holdID: String, reason: String) {
            self.holdID = holdID
            self.reason = reason
        }
    }

    /// A legal hold released.
    public struct HoldReleased: Sendable, Hashable {
        public var holdID: String
        public var reason: String
        public init(holdID: String, reason: String) {
            self.holdID = holdID
            self.reason = reason
        }
    }
}
