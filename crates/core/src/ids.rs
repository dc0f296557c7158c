//! Identifier newtypes. Every id is a UUID (version 7 when Sinergi makes it, so ids sort
//! by creation time); clients may choose their own so that a retried create is idempotent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($name:ident) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id. The timestamp comes from the caller's clock, because
            /// this crate never reads the clock itself.
            pub fn new_at(now: DateTime<Utc>, random: [u8; 10]) -> Self {
                let millis = now.timestamp_millis().max(0) as u64;
                $name(uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid())
            }

            pub fn parse(s: &str) -> Option<Self> {
                Uuid::parse_str(s.trim()).ok().map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(ReportId);
id_type!(AgencyId);
id_type!(UserId);
id_type!(AttachmentId);
id_type!(AgreementId);
id_type!(ReferralId);
id_type!(NotificationId);
id_type!(PatrolId);
id_type!(LegId);
id_type!(LetterId);
id_type!(DispositionId);
id_type!(GroupId);
id_type!(MeetingId);
id_type!(ActionItemId);
id_type!(PlanId);
id_type!(PlanNodeId);
id_type!(AreaPostId);
id_type!(PostReportId);
id_type!(CaseId);
id_type!(PersonId);
id_type!(StageEventId);
id_type!(TransferId);
id_type!(TaskId);
id_type!(EvidenceId);
id_type!(CustodyId);
id_type!(FormId);
id_type!(FormDeviceId);
id_type!(SubmissionId);
id_type!(CampaignId);
id_type!(IndexId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_ids_sort_by_time() {
        let a = ReportId::new_at(
            DateTime::from_timestamp(1_700_000_000, 0).expect("ts"),
            [9; 10],
        );
        let b = ReportId::new_at(
            DateTime::from_timestamp(1_700_000_001, 0).expect("ts"),
            [0; 10],
        );
        assert!(a < b);
        assert_eq!(a.0.get_version_num(), 7);
        assert_eq!(ReportId::parse(&a.to_string()), Some(a));
        assert_eq!(ReportId::parse("not-a-uuid"), None);
    }
}
