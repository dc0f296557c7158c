//! Configuration, layered: built-in defaults → `sinergi.toml` → `SINERGI_*` environment →
//! command-line flags. Unknown keys in the file are refused so a typo never goes unnoticed.
//! Nothing here is a global: the resolved [`Config`] is passed to whoever needs it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

/// What `sinergi.toml` may contain.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub secure_cookies: Option<bool>,
    /// Behind a reverse proxy: take the client address (for sign-in rate limits) from the
    /// last `X-Forwarded-For` entry, which the proxy appends.
    pub trust_forwarded_for: Option<bool>,
    pub log: Option<String>,
    /// `mqtt://host:port` of a broker to take fixes from.
    pub mqtt_url: Option<String>,
    /// Topic filter, default `sinergi/fixes/#`.
    pub mqtt_topic: Option<String>,
    /// An HTTP SMS gateway receiving a POST per alert message.
    pub sms_gateway_url: Option<String>,
    /// The POST body with `{phone}` and `{text}`; default `{"to":"{phone}","text":"{text}"}`.
    pub sms_gateway_body: Option<String>,
    /// An SMTP server for alert e-mails, e.g. `smtp://127.0.0.1:25`.
    pub smtp_url: Option<String>,
    /// The sender of alert e-mails.
    pub smtp_from: Option<String>,
    /// A FIRMS area CSV URL (with your MAP_KEY) polled for new hotspots.
    pub firms_url: Option<String>,
    /// Minutes between FIRMS polls, default 60.
    pub firms_interval_min: Option<u64>,
    /// The Ed25519 key audit checkpoints are signed with (made when missing); keep it
    /// outside the database and its backups. Default `DATA_DIR/audit-signing.key`.
    pub audit_signing_key: Option<PathBuf>,
    /// Minutes between audit checkpoints while serving (only when the trail grew),
    /// default 5.
    pub audit_checkpoint_interval_min: Option<u64>,
    /// Whether agency administrators may point webhooks into private networks (loopback,
    /// private, link-local addresses), e.g. a gateway on a district server's own network.
    /// Default false.
    pub webhook_allow_private: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub addr: String,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub log: String,
    pub mqtt_url: Option<String>,
    pub mqtt_topic: String,
    pub sms_gateway_url: Option<String>,
    pub sms_gateway_body: String,
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    pub firms_url: Option<String>,
    pub firms_interval_min: u64,
    pub audit_signing_key: PathBuf,
    pub audit_checkpoint_interval_min: u64,
    pub webhook_allow_private: bool,
}

impl FileConfig {
    /// Reads the file named by `--config`, or `./sinergi.toml` when it exists.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from("sinergi.toml");
                if !p.exists() {
                    return Ok(FileConfig::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("invalid configuration in {}", path.display()))
    }
}

/// Values given as flags or environment variables (clap reads both).
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub mqtt_url: Option<String>,
    pub mqtt_topic: Option<String>,
    pub audit_signing_key: Option<PathBuf>,
    pub webhook_allow_private: Option<bool>,
}

impl Config {
    pub fn resolve(file: FileConfig, o: Overrides) -> anyhow::Result<Config> {
        let data_dir = o
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./sinergi-data"));
        let database_url = match o.database_url.or(file.database_url) {
            Some(u) => u,
            None => format!("sqlite://{}", data_dir.join("sinergi.db").display()),
        };
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            bail!("database URL must start with sqlite:// or postgres://");
        }
        let audit_signing_key = o
            .audit_signing_key
            .or(file.audit_signing_key)
            .unwrap_or_else(|| data_dir.join("audit-signing.key"));
        Ok(Config {
            audit_signing_key,
            audit_checkpoint_interval_min: file
                .audit_checkpoint_interval_min
                .unwrap_or(sinergi_app::checkpoints::DEFAULT_INTERVAL_MIN)
                .max(1),
            data_dir,
            database_url,
            addr: o
                .addr
                .or(file.addr)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            secure_cookies: file.secure_cookies.unwrap_or(false),
            trust_forwarded_for: file.trust_forwarded_for.unwrap_or(false),
            log: file.log.unwrap_or_else(|| "info".into()),
            mqtt_url: o.mqtt_url.or(file.mqtt_url),
            mqtt_topic: o
                .mqtt_topic
                .or(file.mqtt_topic)
                .unwrap_or_else(|| "sinergi/fixes/#".into()),
            sms_gateway_url: file.sms_gateway_url,
            sms_gateway_body: file
                .sms_gateway_body
                .unwrap_or_else(|| r#"{"to":"{phone}","text":"{text}"}"#.into()),
            smtp_url: file.smtp_url,
            smtp_from: file
                .smtp_from
                .unwrap_or_else(|| "Sinergi <peringatan@localhost>".into()),
            firms_url: file.firms_url,
            firms_interval_min: file.firms_interval_min.unwrap_or(60).max(5),
            webhook_allow_private: o
                .webhook_allow_private
                .or(file.webhook_allow_private)
                .unwrap_or(false),
        })
    }

    /// The database URL with any password hidden, for messages.
    pub fn redacted_url(&self) -> String {
        match (self.database_url.find("://"), self.database_url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &self.database_url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!(
                        "{}{user}:***{}",
                        &self.database_url[..s + 3],
                        &self.database_url[at..]
                    ),
                    None => self.database_url.clone(),
                }
            }
            _ => self.database_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let file: FileConfig =
            toml::from_str("data_dir = \"/srv/s\"\naddr = \"0.0.0.0:80\"").expect("toml");
        let c = Config::resolve(
            file,
            Overrides {
                data_dir: None,
                database_url: None,
                addr: Some("127.0.0.1:9".into()),
                mqtt_url: None,
                mqtt_topic: None,
                audit_signing_key: None,
                webhook_allow_private: None,
            },
        )
        .expect("config");
        assert_eq!(c.data_dir, PathBuf::from("/srv/s"));
        assert_eq!(c.database_url, "sqlite:///srv/s/sinergi.db");
        assert_eq!(c.addr, "127.0.0.1:9");
        assert_eq!(
            c.audit_signing_key,
            PathBuf::from("/srv/s/audit-signing.key")
        );
        assert_eq!(c.audit_checkpoint_interval_min, 5);
        let file: FileConfig = toml::from_str(
            "audit_signing_key = \"/etc/sinergi/audit.key\"\naudit_checkpoint_interval_min = 0",
        )
        .expect("toml");
        let c = Config::resolve(
            file,
            Overrides {
                data_dir: None,
                database_url: None,
                addr: None,
                mqtt_url: None,
                mqtt_topic: None,
                audit_signing_key: Some(PathBuf::from("/run/keys/audit.key")),
                webhook_allow_private: None,
            },
        )
        .expect("config");
        assert_eq!(c.audit_signing_key, PathBuf::from("/run/keys/audit.key"));
        assert_eq!(c.audit_checkpoint_interval_min, 1, "at least a minute");
    }

    #[test]
    fn private_webhooks_are_off_unless_allowed() {
        let none = || Overrides {
            data_dir: None,
            database_url: None,
            addr: None,
            mqtt_url: None,
            mqtt_topic: None,
            audit_signing_key: None,
            webhook_allow_private: None,
        };
        let c = Config::resolve(FileConfig::default(), none()).expect("config");
        assert!(!c.webhook_allow_private);
        let file: FileConfig = toml::from_str("webhook_allow_private = true").expect("toml");
        let c = Config::resolve(file, none()).expect("config");
        assert!(c.webhook_allow_private);
        let file: FileConfig = toml::from_str("webhook_allow_private = true").expect("toml");
        let c = Config::resolve(
            file,
            Overrides {
                webhook_allow_private: Some(false),
                ..none()
            },
        )
        .expect("config");
        assert!(
            !c.webhook_allow_private,
            "the environment overrides the file"
        );
    }

    #[test]
    fn unknown_keys_and_bad_urls_are_refused() {
        assert!(toml::from_str::<FileConfig>("data_dri = \"x\"").is_err());
        let o = Overrides {
            data_dir: None,
            database_url: Some("mysql://x".into()),
            addr: None,
            mqtt_url: None,
            mqtt_topic: None,
            audit_signing_key: None,
            webhook_allow_private: None,
        };
        assert!(Config::resolve(FileConfig::default(), o).is_err());
    }

    #[test]
    fn passwords_are_not_shown() {
        let o = Overrides {
            data_dir: None,
            database_url: Some("postgres://u:secret@h/db".into()),
            addr: None,
            mqtt_url: None,
            mqtt_topic: None,
            audit_signing_key: None,
            webhook_allow_private: None,
        };
        let c = Config::resolve(FileConfig::default(), o).expect("config");
        assert_eq!(c.redacted_url(), "postgres://u:***@h/db");
    }
}
