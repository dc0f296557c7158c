//! What the notifications API reads and answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api_common::DetailValue;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// true for unread only
    pub unread: Option<bool>,
}

/// One notification of the caller.
#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    pub user_id: Uuid,
    /// e.g. `break_glass_used`.
    pub kind: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    #[schema(value_type = BTreeMap<String, DetailValue>)]
    pub detail: Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<&sinergi_app::Notification> for NotificationView {
    fn from(n: &sinergi_app::Notification) -> Self {
        NotificationView {
            id: n.id.0,
            user_id: n.user_id.0,
            kind: n.kind.clone(),
            record_type: n.record_type.clone(),
            record_id: n.record_id.clone(),
            detail: n.detail.clone(),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    pub notifications: Vec<NotificationView>,
}

#[derive(Serialize, ToSchema)]
pub struct MarkedCount {
    /// How many were unread.
    pub marked: u64,
}
