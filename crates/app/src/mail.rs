//! E-mail (ADR 28): the address each user gives for reminders, and the sending of the
//! mail that reminders queue. Mail is queued only when the operator set up an SMTP server
//! (`smtp_url`); it is sent by the reminders' run (`serve`, `sinergi reminders run`) with
//! retries, and a mail once sent is not sent again.

use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::ids::UserId;
use sinergi_core::user::{email_of, EmailBody};

use sinergi_store::Mail;

use crate::warning::delivery::{backoff, send_mail, MAX_ATTEMPTS};
use crate::{App, AppError, AppResult};

/// What one sending run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRun {
    pub sent: usize,
    /// Attempts that failed (retried later, or given up after the last attempt).
    pub failed: usize,
}

impl App {
    /// Whether mail can be sent: an SMTP server is set up.
    pub fn mail_configured(&self) -> bool {
        self.warning.delivery.smtp.is_some()
    }

    /// The user's e-mail address for reminders, if they gave one.
    pub async fn email_of(&self, user: UserId) -> AppResult<Option<String>> {
        Ok(self.store.user_email(user).await?)
    }

    /// Sets or removes the actor's own e-mail address for reminders.
    pub async fn set_own_email(
        &self,
        actor: &Actor,
        body: &EmailBody,
    ) -> AppResult<Option<String>> {
        let user = self
            .store
            .user(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.write_email(Some(actor), user.id, user.username.as_str(), body)
            .await
    }

    /// Sets or removes the e-mail address of a user the actor administers (`None`: the
    /// operator at the command line).
    pub async fn set_user_email(
        &self,
        actor: Option<&Actor>,
        username: &str,
        body: &EmailBody,
    ) -> AppResult<Option<String>> {
        let user = self.managed_user(actor, username).await?;
        self.write_email(actor, user.id, user.username.as_str(), body)
            .await
    }

    async fn write_email(
        &self,
        actor: Option<&Actor>,
        user: UserId,
        username: &str,
        body: &EmailBody,
    ) -> AppResult<Option<String>> {
        let email = email_of(body)?;
        let entry = self.audit(
            actor,
            AuditAction::UserEmailChange,
            "user",
            username,
            // The address itself stays out of the trail: whether one is set is the fact.
            json!({"email_set": i64::from(email.is_some())}),
        );
        if !self
            .store
            .set_user_email(user, email.as_deref(), &entry)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(email)
    }

    /// One mail per recipient who gave an address, about `record` (type, id), to queue
    /// in the transaction that decides it.
    pub(crate) async fn mails_to(
        &self,
        recipients: &[UserId],
        (subject, body): (&str, &str),
        kind: &str,
        (record_type, record_id): (&str, String),
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<Vec<Mail>> {
        Ok(self
            .store
            .user_emails(recipients)
            .await?
            .into_iter()
            .map(|(user, to)| Mail {
                id: uuid::Uuid::now_v7(),
                user_id: Some(user),
                to,
                subject: subject.to_string(),
                body: body.to_string(),
                kind: kind.into(),
                record_type: Some(record_type.into()),
                record_id: Some(record_id.clone()),
                created_at: now,
                attempts: 0,
            })
            .collect())
    }

    /// Sends the mail whose time has come, in batches, until none is left due. A failed
    /// attempt is retried with the alerts' backoff and given up after their last attempt.
    pub async fn send_due_mail(&self) -> AppResult<MailRun> {
        let mut run = MailRun::default();
        let Some(smtp) = self.warning.delivery.smtp.clone() else {
            return Ok(run);
        };
        loop {
            let now = self.now();
            let due = self.store.mail_due(now, 50).await?;
            if due.is_empty() {
                return Ok(run);
            }
            let mut progressed = false;
            for m in due {
                match send_mail(&smtp, &m.to, &m.subject, m.body.clone()).await {
                    Ok(()) => {
                        if self.store.mail_sent(m.id, self.now()).await? {
                            run.sent += 1;
                            progressed = true;
                        }
                    }
                    Err(e) => {
                        run.failed += 1;
                        let attempts = m.attempts + 1;
                        let next =
                            (attempts < MAX_ATTEMPTS).then(|| self.now() + backoff(attempts));
                        tracing::warn!(to = %m.to, error = %e, attempts, "a mail could not be sent");
                        self.store.mail_failed(m.id, self.now(), next, &e).await?;
                    }
                }
            }
            if !progressed {
                // Everything due failed: the retries wait for their time.
                return Ok(run);
            }
        }
    }
}
