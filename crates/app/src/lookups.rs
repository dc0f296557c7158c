//! Plain reads the web edge needs beside the use cases — names to show on pages, the
//! devices' deployments and last fixes, the health check — so that it never calls the
//! store itself. They decide nothing: what they return is what every signed-in user may
//! already see on the pages that use them.

use chrono::{DateTime, Utc};
use sinergi_core::agency::Agency;
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::user::User;
use sinergi_core::warning::{Deployment, SubjectId};
use sinergi_store::warning::{DeviceLastFix, StoredFix};

use crate::{App, AppResult};

impl App {
    /// One agency by id.
    pub async fn agency(&self, id: AgencyId) -> AppResult<Option<Agency>> {
        Ok(self.store.agency(id).await?)
    }

    /// One agency by its code.
    pub async fn agency_by_code(&self, code: &str) -> AppResult<Option<Agency>> {
        Ok(self.store.agency_by_code(code).await?)
    }

    /// One user by id, to name who did something.
    pub async fn user_by_id(&self, id: UserId) -> AppResult<Option<User>> {
        Ok(self.store.user(id).await?)
    }

    /// Every deployment of a device to a subject.
    pub async fn deployments(&self) -> AppResult<Vec<Deployment>> {
        Ok(self.store.deployments().await?)
    }

    /// Each device's newest fix, for device health.
    pub async fn device_last_fixes(&self) -> AppResult<Vec<DeviceLastFix>> {
        Ok(self.store.device_last_fixes().await?)
    }

    /// A subject's fixes between two instants, oldest first, at most `limit`.
    pub async fn track(
        &self,
        subject: SubjectId,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> AppResult<Vec<StoredFix>> {
        Ok(self.store.track(subject, since, until, limit).await?)
    }

    /// Checks that the database answers; names it (`sqlite` or `postgres`).
    pub async fn health(&self) -> AppResult<&'static str> {
        self.store.ping().await?;
        Ok(self.store.backend())
    }
}
