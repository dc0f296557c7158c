//! Who may do what, by role: the one table. Every role check in the app and the web
//! pages asks [`Actor::may`](crate::access::Actor::may) (or [`Role::may`]) with an [`Action`], so the pages show a
//! button exactly when the use case behind it would accept the role.
//!
//! The table says which *roles* may take an action. Where the action reaches (the
//! actor's own agency and those below it, a party of the agreement, a report the actor
//! can see) is decided next to it by the callers, with the access policy
//! ([`crate::access`]); an action whose reach is every agency is its own entry
//! (`…Everywhere`, `…AnyParty`).

use crate::user::Role;

/// Something a role may or may not do. Add an action here and its row in
/// [`Action::roles`]; the compiler then asks for it in every match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // ---- reports
    /// Record new reports for one's own agency and correct one's own.
    WriteReports,
    /// Edit and change the status of any report of one's own agency, and refer it to
    /// another agency or end its referrals (an author may still correct their own).
    ManageAgencyReports,
    /// See the `secret` reports of one's own agency.
    ReadAgencySecrets,
    // ---- accounts
    /// Administer one's own agency and those below it: sub-agencies, users.
    AdministerAgencies,
    /// Administer every agency, create top-level agencies. Accounts that may must have
    /// a second factor.
    AdministerAgenciesEverywhere,
    /// Give the system-administrator role.
    GrantSystemAdmin,
    /// Change the installation's settings (who may use emergency access).
    ChangeSettings,
    // ---- audit
    /// Read the audit trail of one's own agency and those below it.
    ReadAuditTrail,
    /// Read the whole audit trail.
    ReadAuditTrailEverywhere,
    /// Read and write the signed checkpoints of the audit trail.
    ManageAuditCheckpoints,
    // ---- sharing
    /// Propose agreements, edit drafts, approve and revoke them for one's own agency.
    ManageAgreements,
    /// Act on agreements for any party, and see every agreement and referral.
    ManageAgreementsAnyParty,
    // ---- early warning
    /// Set up early warning for one's own agency: areas, rules, wildlife, devices,
    /// hotspot imports, held fixes.
    ConfigureWarning,
    /// Register webhooks for one's own agency.
    RegisterWebhooks,
    /// Acknowledge, act on and close alerts.
    RespondToAlerts,
    /// Send position fixes.
    SendFixes,
    /// Early warning for every agency: fixes for any device, every held fix exactly.
    WarningEverywhere,
    // ---- patrols
    /// Create patrols for one's own agency, and add tracks to the patrols one's agency
    /// organises or is a member of.
    RecordPatrols,
    /// Edit any patrol one's own agency organises, and change its status (its leader may
    /// too).
    ManagePatrols,
    // ---- letters
    /// Draft, send and register the letters of one's own agency and attach their files
    /// (ADR 22).
    ManageLetters,
    // ---- coordination
    /// Form working groups for one's own agency and edit them; record the meetings,
    /// attendance, minutes, decisions and action items of the groups one's agency is a
    /// member of (ADR 21).
    ManageGroups,
    // ---- forms
    /// Publish forms (XLSForm workbooks) and their new versions for one's own agency and
    /// those below it (ADR 33).
    PublishForms,
}

impl Action {
    pub const ALL: [Action; 22] = [
        Action::WriteReports,
        Action::ManageAgencyReports,
        Action::ReadAgencySecrets,
        Action::AdministerAgencies,
        Action::AdministerAgenciesEverywhere,
        Action::GrantSystemAdmin,
        Action::ChangeSettings,
        Action::ReadAuditTrail,
        Action::ReadAuditTrailEverywhere,
        Action::ManageAuditCheckpoints,
        Action::ManageAgreements,
        Action::ManageAgreementsAnyParty,
        Action::ConfigureWarning,
        Action::RegisterWebhooks,
        Action::RespondToAlerts,
        Action::SendFixes,
        Action::WarningEverywhere,
        Action::RecordPatrols,
        Action::ManagePatrols,
        Action::ManageLetters,
        Action::ManageGroups,
        Action::PublishForms,
    ];

    /// The role × action table: the roles that may take this action.
    pub const fn roles(self) -> &'static [Role] {
        // Analysts read: they are named in no row.
        use Role::{AgencyAdmin, Coordinator, FieldOfficer, SystemAdmin};
        match self {
            Action::WriteReports
            | Action::RespondToAlerts
            | Action::SendFixes
            | Action::RecordPatrols => &[FieldOfficer, Coordinator, AgencyAdmin, SystemAdmin],
            Action::ManageAgencyReports
            | Action::ConfigureWarning
            | Action::ManagePatrols
            | Action::ManageLetters
            | Action::ManageGroups
            | Action::PublishForms => &[Coordinator, AgencyAdmin, SystemAdmin],
            Action::ReadAgencySecrets
            | Action::AdministerAgencies
            | Action::ReadAuditTrail
            | Action::ManageAgreements
            | Action::RegisterWebhooks => &[AgencyAdmin, SystemAdmin],
            Action::AdministerAgenciesEverywhere
            | Action::GrantSystemAdmin
            | Action::ChangeSettings
            | Action::ReadAuditTrailEverywhere
            | Action::ManageAuditCheckpoints
            | Action::ManageAgreementsAnyParty
            | Action::WarningEverywhere => &[SystemAdmin],
        }
    }
}

impl Role {
    /// Whether this role may take `action` ([`Action::roles`]).
    pub fn may(self, action: Action) -> bool {
        action.roles().contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as a grid (F = field officer, C = coordinator, N = analyst, A = agency
    /// admin, S = system admin). A change here is a change of who may do what.
    #[test]
    fn the_table_is_as_written() {
        let expected = [
            (Action::WriteReports, "FC-AS"),
            (Action::ManageAgencyReports, "-C-AS"),
            (Action::ReadAgencySecrets, "---AS"),
            (Action::AdministerAgencies, "---AS"),
            (Action::AdministerAgenciesEverywhere, "----S"),
            (Action::GrantSystemAdmin, "----S"),
            (Action::ChangeSettings, "----S"),
            (Action::ReadAuditTrail, "---AS"),
            (Action::ReadAuditTrailEverywhere, "----S"),
            (Action::ManageAuditCheckpoints, "----S"),
            (Action::ManageAgreements, "---AS"),
            (Action::ManageAgreementsAnyParty, "----S"),
            (Action::ConfigureWarning, "-C-AS"),
            (Action::RegisterWebhooks, "---AS"),
            (Action::RespondToAlerts, "FC-AS"),
            (Action::SendFixes, "FC-AS"),
            (Action::WarningEverywhere, "----S"),
            (Action::RecordPatrols, "FC-AS"),
            (Action::ManagePatrols, "-C-AS"),
            (Action::ManageLetters, "-C-AS"),
            (Action::ManageGroups, "-C-AS"),
            (Action::PublishForms, "-C-AS"),
        ];
        assert_eq!(expected.len(), Action::ALL.len());
        for (action, row) in expected {
            let got: String = Role::ALL
                .iter()
                .zip("FCNAS".chars())
                .map(|(r, c)| if r.may(action) { c } else { '-' })
                .collect();
            assert_eq!(got, row, "{action:?}");
        }
    }

    /// Whatever an action's reach, a system administrator may take it.
    #[test]
    fn system_administrators_may_everything() {
        for a in Action::ALL {
            assert!(Role::SystemAdmin.may(a), "{a:?}");
        }
    }
}
