//! Configuration, layered: built-in defaults → `sinergi.toml` → `SINERGI_*` environment →
//! command-line flags. Nothing here is a global: the resolved [`Config`] is passed to whoever
//! needs it.
//!
//! Every option is declared once, in the [`options!`] table below: its field, type, key in
//! `sinergi.toml` (grouped by domain: `[warning] smtp_url`), the flat key it had before
//! the groups (still read, with a deprecation note in the log), its environment variable,
//! its flag, its default and its documentation. The README's configuration table is made
//! from the same table (a test fails when they differ), and another test checks the
//! command line's flags and variables against it. Unknown keys in the file are refused so a
//! typo never goes unnoticed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// One option as documented: what the README table shows. The tests that check the README
/// and the command line read the fields the resolver does not.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct OptionDoc {
    /// The field of [`Config`] (and the flag's argument id, if it has one).
    pub field: &'static str,
    /// `group.name` in `sinergi.toml`, or `name` for a top-level key.
    pub key: &'static str,
    /// The flat key read before the groups, if it differs from `key`.
    pub old_key: &'static str,
    pub env: &'static str,
    /// `--flag` or `serve --flag`, or empty.
    pub flag: &'static str,
    /// The default as shown to people.
    pub default: &'static str,
    pub doc: &'static [&'static str],
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// A value an option may take, read from the file or from text (a variable or a flag).
trait OptionValue: Sized {
    fn from_toml(v: &toml::Value) -> Result<Self, String>;
    fn from_text(s: &str) -> Result<Self, String>;
}

impl OptionValue for String {
    fn from_toml(v: &toml::Value) -> Result<Self, String> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| "expected a string".into())
    }
    fn from_text(s: &str) -> Result<Self, String> {
        Ok(s.to_string())
    }
}

impl OptionValue for PathBuf {
    fn from_toml(v: &toml::Value) -> Result<Self, String> {
        String::from_toml(v).map(PathBuf::from)
    }
    fn from_text(s: &str) -> Result<Self, String> {
        Ok(PathBuf::from(s))
    }
}

impl OptionValue for bool {
    fn from_toml(v: &toml::Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| "expected true or false".into())
    }
    fn from_text(s: &str) -> Result<Self, String> {
        // As the command line reads them.
        match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "on" => Ok(true),
            "false" | "0" | "no" | "n" | "off" | "" => Ok(false),
            _ => Err("expected true or false".into()),
        }
    }
}

impl OptionValue for u64 {
    fn from_toml(v: &toml::Value) -> Result<Self, String> {
        v.as_integer()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| "expected a whole number".into())
    }
    fn from_text(s: &str) -> Result<Self, String> {
        s.trim()
            .parse()
            .map_err(|_| "expected a whole number".into())
    }
}

impl OptionValue for LogFormat {
    fn from_toml(v: &toml::Value) -> Result<Self, String> {
        Self::from_text(&String::from_toml(v)?)
    }
    fn from_text(s: &str) -> Result<Self, String> {
        match s.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err("expected \"text\" or \"json\"".into()),
        }
    }
}

impl<T: OptionValue> OptionValue for Option<T> {
    fn from_toml(v: &toml::Value) -> Result<Self, String> {
        T::from_toml(v).map(Some)
    }
    fn from_text(s: &str) -> Result<Self, String> {
        T::from_text(s).map(Some)
    }
}

/// Declares every option once and makes [`Config`], [`OPTIONS`] and the resolver from it.
/// A default may use the options declared above it (by field name).
macro_rules! options {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident : $ty:ty {
            key: $key:literal,
            old_key: $old:literal,
            env: $env:literal,
            flag: $flag:literal,
            shown: $shown:literal,
            default: $default:expr,
        }
    )*) => {
        /// The resolved configuration.
        #[derive(Debug, Clone)]
        pub struct Config {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
            /// Deprecation notes about the file, logged once logging is set up.
            pub notes: Vec<String>,
        }

        /// Every option, in the order of the README table.
        pub const OPTIONS: &[OptionDoc] = &[$(
            OptionDoc {
                field: stringify!($field),
                key: $key,
                old_key: $old,
                env: $env,
                flag: $flag,
                default: $shown,
                doc: &[$($doc),+],
            },
        )*];

        impl Config {
            fn from_layers(layers: &mut Layers<'_>) -> anyhow::Result<Config> {
                $(
                    let $field: $ty = match layers.get(stringify!($field), $key, $old, $env)? {
                        Some(v) => v,
                        None => $default,
                    };
                )*
                Ok(Config { $($field,)* notes: std::mem::take(&mut layers.notes) })
            }
        }
    };
}

options! {
    /// Folder for the SQLite database and attachments.
    data_dir: PathBuf {
        key: "data_dir", old_key: "", env: "SINERGI_DATA_DIR", flag: "--data-dir",
        shown: "./sinergi-data",
        default: PathBuf::from("./sinergi-data"),
    }
    /// `sqlite://FILE` or `postgres://USER@HOST/DB`.
    database_url: String {
        key: "database_url", old_key: "", env: "SINERGI_DATABASE_URL", flag: "--database-url",
        shown: "sqlite://DATA_DIR/sinergi.db",
        default: format!("sqlite://{}", data_dir.join("sinergi.db").display()),
    }
    /// Address to listen on (port 0 picks a free port).
    addr: String {
        key: "server.addr", old_key: "addr", env: "SINERGI_ADDR", flag: "serve --addr",
        shown: "127.0.0.1:8080",
        default: "127.0.0.1:8080".into(),
    }
    /// Behind a reverse proxy: the client address (for sign-in limits)
    /// is the last `X-Forwarded-For` entry, which the proxy appends.
    trust_forwarded_for: bool {
        key: "server.trust_forwarded_for", old_key: "trust_forwarded_for",
        env: "SINERGI_TRUST_FORWARDED_FOR", flag: "",
        shown: "false",
        default: false,
    }
    /// Mark the session cookie `Secure`; set `true` behind HTTPS.
    secure_cookies: bool {
        key: "accounts.secure_cookies", old_key: "secure_cookies",
        env: "SINERGI_SECURE_COOKIES", flag: "",
        shown: "false",
        default: false,
    }
    /// Hours a browser session lasts.
    session_hours: u64 {
        key: "accounts.session_hours", old_key: "", env: "SINERGI_SESSION_HOURS", flag: "",
        shown: "12",
        default: 12,
    }
    /// Hours an API token lasts.
    token_hours: u64 {
        key: "accounts.token_hours", old_key: "", env: "SINERGI_TOKEN_HOURS", flag: "",
        shown: "720",
        default: 24 * 30,
    }
    /// What is logged: a tracing filter such as `info` or `info,sinergi_web=debug`.
    log: String {
        key: "operations.log", old_key: "log", env: "SINERGI_LOG", flag: "",
        shown: "info",
        default: "info".into(),
    }
    /// `text`, or `json` for one JSON object per line (with the fields of the spans it
    /// was written in).
    log_format: LogFormat {
        key: "operations.log_format", old_key: "", env: "SINERGI_LOG_FORMAT", flag: "",
        shown: "text",
        default: LogFormat::Text,
    }
    /// A bearer token that opens `/metrics` (Prometheus); without it, and unless
    /// `metrics_public` is set, `/metrics` answers 401.
    metrics_token: Option<String> {
        key: "operations.metrics_token", old_key: "", env: "SINERGI_METRICS_TOKEN", flag: "",
        shown: "none",
        default: None,
    }
    /// Serve `/metrics` to anyone (e.g. when only a private network reaches the server).
    metrics_public: bool {
        key: "operations.metrics_public", old_key: "", env: "SINERGI_METRICS_PUBLIC", flag: "",
        shown: "false",
        default: false,
    }
    /// Take fixes from this MQTT broker, e.g. `mqtt://127.0.0.1:1883`.
    mqtt_url: Option<String> {
        key: "warning.mqtt_url", old_key: "mqtt_url", env: "SINERGI_MQTT_URL",
        flag: "serve --mqtt-url",
        shown: "none",
        default: None,
    }
    /// MQTT topic filter; the last level is the device when a fix has none.
    mqtt_topic: String {
        key: "warning.mqtt_topic", old_key: "mqtt_topic", env: "SINERGI_MQTT_TOPIC",
        flag: "serve --mqtt-topic",
        shown: "sinergi/fixes/#",
        default: "sinergi/fixes/#".into(),
    }
    /// An HTTP SMS gateway receiving a POST per alert message; needed for rules with the
    /// `sms` channel.
    sms_gateway_url: Option<String> {
        key: "warning.sms_gateway_url", old_key: "sms_gateway_url",
        env: "SINERGI_SMS_GATEWAY_URL", flag: "",
        shown: "none",
        default: None,
    }
    /// The POST body sent to the SMS gateway, with `{phone}` and `{text}`.
    sms_gateway_body: String {
        key: "warning.sms_gateway_body", old_key: "sms_gateway_body",
        env: "SINERGI_SMS_GATEWAY_BODY", flag: "",
        shown: r#"{"to":"{phone}","text":"{text}"}"#,
        default: r#"{"to":"{phone}","text":"{text}"}"#.into(),
    }
    /// An SMTP server for alert e-mails, e.g. `smtp://127.0.0.1:25` or
    /// `smtps://user:pass@host:465`; needed for rules with the `email` channel.
    smtp_url: Option<String> {
        key: "warning.smtp_url", old_key: "smtp_url", env: "SINERGI_SMTP_URL", flag: "",
        shown: "none",
        default: None,
    }
    /// The sender of alert e-mails.
    smtp_from: String {
        key: "warning.smtp_from", old_key: "smtp_from", env: "SINERGI_SMTP_FROM", flag: "",
        shown: "Sinergi <peringatan@localhost>",
        default: "Sinergi <peringatan@localhost>".into(),
    }
    /// A FIRMS area CSV URL (with your MAP_KEY) polled for new hotspots.
    firms_url: Option<String> {
        key: "warning.firms_url", old_key: "firms_url", env: "SINERGI_FIRMS_URL", flag: "",
        shown: "none",
        default: None,
    }
    /// Minutes between FIRMS polls (at least 5).
    firms_interval_min: u64 {
        key: "warning.firms_interval_min", old_key: "firms_interval_min",
        env: "SINERGI_FIRMS_INTERVAL_MIN", flag: "",
        shown: "60",
        default: 60,
    }
    /// Let webhooks point into private networks (loopback, private, link-local or
    /// multicast addresses, refused otherwise at registration and at delivery), e.g. a
    /// gateway on the server's own network.
    webhook_allow_private: bool {
        key: "warning.webhook_allow_private", old_key: "webhook_allow_private",
        env: "SINERGI_WEBHOOK_ALLOW_PRIVATE", flag: "serve --webhook-allow-private",
        shown: "false",
        default: false,
    }
    /// The Ed25519 key audit checkpoints are signed with; made with mode 0600 when
    /// missing. Keep it outside the database and its backups.
    audit_signing_key: PathBuf {
        key: "audit.signing_key", old_key: "audit_signing_key",
        env: "SINERGI_AUDIT_SIGNING_KEY", flag: "--audit-signing-key",
        shown: "DATA_DIR/audit-signing.key",
        default: data_dir.join("audit-signing.key"),
    }
    /// The directory of the agencies' key files for protected persons (`CODE.key`, made
    /// by `sinergi keygen`). Keep it outside the database and its backups; the server
    /// does not start when a key that sealed a stored person is missing.
    case_keys_dir: PathBuf {
        key: "cases.keys_dir", old_key: "", env: "SINERGI_CASE_KEYS_DIR", flag: "",
        shown: "DATA_DIR/keys",
        default: data_dir.join("keys"),
    }
    /// Minutes between audit checkpoints while serving (at least 1), written only when the
    /// trail grew.
    audit_checkpoint_interval_min: u64 {
        key: "audit.checkpoint_interval_min", old_key: "audit_checkpoint_interval_min",
        env: "SINERGI_AUDIT_CHECKPOINT_INTERVAL_MIN", flag: "",
        shown: "5",
        default: sinergi_app::checkpoints::DEFAULT_INTERVAL_MIN,
    }
    /// An online base map under the maps: an XYZ tile URL with `{z}`, `{x}` and `{y}`,
    /// e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png` (browsers fetch it directly;
    /// without it and without `basemap_file` the maps draw the shipped boundaries alone).
    tile_url: Option<String> {
        key: "maps.tile_url", old_key: "", env: "SINERGI_TILE_URL", flag: "",
        shown: "none",
        default: None,
    }
    /// The credit shown for `tile_url`, e.g. `© OpenStreetMap contributors`.
    tile_attribution: Option<String> {
        key: "maps.tile_attribution", old_key: "", env: "SINERGI_TILE_ATTRIBUTION", flag: "",
        shown: "none",
        default: None,
    }
    /// An offline base map: an MBTiles file of raster tiles (PNG, JPEG or WebP) that
    /// Sinergi serves at `/tiles/{z}/{x}/{y}.png`, so the maps work without internet.
    /// `serve --demo` makes and uses `DATA_DIR/demo-basemap.mbtiles` when this is unset.
    basemap_file: Option<PathBuf> {
        key: "maps.basemap_file", old_key: "", env: "SINERGI_BASEMAP_FILE", flag: "",
        shown: "none",
        default: None,
    }
}

/// What `sinergi.toml` holds, checked against [`OPTIONS`] when resolved.
#[derive(Debug, Default)]
pub struct FileConfig {
    table: toml::Table,
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
        FileConfig::parse(&text)
            .with_context(|| format!("invalid configuration in {}", path.display()))
    }

    /// Parses the text of a configuration file and refuses keys no option has.
    pub fn parse(text: &str) -> anyhow::Result<FileConfig> {
        let table: toml::Table = toml::from_str(text)?;
        for (k, v) in &table {
            let flat = OPTIONS
                .iter()
                .any(|o| (o.key == k && !k.contains('.')) || o.old_key == k);
            let group = OPTIONS
                .iter()
                .any(|o| o.key.split_once('.').is_some_and(|(g, _)| g == k));
            match v {
                toml::Value::Table(t) if group => {
                    for name in t.keys() {
                        let key = format!("{k}.{name}");
                        if !OPTIONS.iter().any(|o| o.key == key) {
                            bail!("unknown key `{name}` in [{k}]");
                        }
                    }
                }
                _ if flat => {}
                _ if group => bail!("`{k}` must be a table ([{k}])"),
                _ => bail!("unknown key `{k}`"),
            }
        }
        Ok(FileConfig { table })
    }

    /// The value at `key` (`group.name` or `name`).
    fn value(&self, key: &str) -> Option<&toml::Value> {
        match key.split_once('.') {
            Some((group, name)) => self.table.get(group)?.as_table()?.get(name),
            None => self.table.get(key),
        }
    }
}

/// Values given as flags (clap also reads their environment variables), by field name.
#[derive(Debug, Default)]
pub struct Overrides(BTreeMap<&'static str, String>);

impl Overrides {
    /// Sets `field` when a flag gave it.
    pub fn set(mut self, field: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(v) = value {
            self.0.insert(field, v.to_string());
        }
        self
    }
}

/// The layers an option is looked up in, highest first.
struct Layers<'a> {
    flags: &'a Overrides,
    env: &'a dyn Fn(&str) -> Option<String>,
    file: &'a FileConfig,
    notes: Vec<String>,
}

impl Layers<'_> {
    fn get<T: OptionValue>(
        &mut self,
        field: &str,
        key: &str,
        old_key: &str,
        env: &str,
    ) -> anyhow::Result<Option<T>> {
        if let Some(v) = self.flags.0.get(field) {
            return T::from_text(v)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("{field}: {e}"));
        }
        if let Some(v) = (self.env)(env) {
            return T::from_text(&v)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("{env}: {e}"));
        }
        let shown = match key.split_once('.') {
            Some((g, n)) => format!("`{n}` under [{g}]"),
            None => format!("`{key}`"),
        };
        if let Some(v) = self.file.value(key) {
            return T::from_toml(v)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("{shown}: {e}"));
        }
        if !old_key.is_empty() {
            if let Some(v) = self.file.value(old_key) {
                self.notes.push(format!(
                    "sinergi.toml: `{old_key}` at the top is deprecated; write it as {shown}"
                ));
                return T::from_toml(v)
                    .map(Some)
                    .map_err(|e| anyhow::anyhow!("{old_key}: {e}"));
            }
        }
        Ok(None)
    }
}

impl Config {
    /// Resolves every option from the flags, the environment (`env` looks a variable up)
    /// and the file, then the defaults.
    pub fn resolve_with(
        file: FileConfig,
        flags: Overrides,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let mut layers = Layers {
            flags: &flags,
            env,
            file: &file,
            notes: Vec::new(),
        };
        let mut c = Config::from_layers(&mut layers)?;
        if !(c.database_url.starts_with("sqlite:")
            || c.database_url.starts_with("postgres://")
            || c.database_url.starts_with("postgresql://"))
        {
            bail!("database URL must start with sqlite:// or postgres://");
        }
        if let Some(url) = &c.tile_url {
            let template = ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !template || !web {
                bail!(
                    "maps.tile_url must be an http(s) URL with {{z}}, {{x}} and {{y}}, e.g. \
                     https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png"
                );
            }
        }
        c.audit_checkpoint_interval_min = c.audit_checkpoint_interval_min.max(1);
        c.firms_interval_min = c.firms_interval_min.max(5);
        c.session_hours = c.session_hours.clamp(1, 24 * 366);
        c.token_hours = c.token_hours.clamp(1, 24 * 3660);
        Ok(c)
    }

    /// [`Config::resolve_with`] the process environment.
    pub fn resolve(file: FileConfig, flags: Overrides) -> anyhow::Result<Config> {
        Config::resolve_with(file, flags, &|name| std::env::var(name).ok())
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

/// The README's configuration table, made from [`OPTIONS`].
#[cfg(test)]
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| key (`sinergi.toml`) | environment | flag | default | meaning |\n|---|---|---|---|---|\n",
    );
    let code = |s: &str| {
        if s.is_empty() {
            "–".to_string()
        } else {
            format!("`{s}`")
        }
    };
    for o in OPTIONS {
        let key = match o.key.split_once('.') {
            Some((g, n)) => format!("`[{g}]` `{n}`"),
            None => format!("`{}`", o.key),
        };
        let key = if o.old_key.is_empty() {
            key
        } else {
            format!("{key} (was `{}`)", o.old_key)
        };
        let default = if o.default == "none" {
            "none".to_string()
        } else {
            code(o.default)
        };
        let doc = o.doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "| {key} | {} | {} | {default} | {doc} |\n",
            code(o.env),
            code(o.flag)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn file(text: &str) -> FileConfig {
        FileConfig::parse(text).expect("toml")
    }

    #[test]
    fn layers_apply_in_order() {
        let f = file("data_dir = \"/srv/s\"\naddr = \"0.0.0.0:80\"");
        let c = Config::resolve_with(
            f,
            Overrides::default().set("addr", Some("127.0.0.1:9")),
            &no_env,
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
        let f = file(
            "audit_signing_key = \"/etc/sinergi/audit.key\"\naudit_checkpoint_interval_min = 0",
        );
        let c = Config::resolve_with(
            f,
            Overrides::default().set("audit_signing_key", Some("/run/keys/audit.key")),
            &no_env,
        )
        .expect("config");
        assert_eq!(c.audit_signing_key, PathBuf::from("/run/keys/audit.key"));
        assert_eq!(c.audit_checkpoint_interval_min, 1, "at least a minute");
        // The environment sits between the file and the flags.
        let env = |name: &str| (name == "SINERGI_ADDR").then(|| "10.0.0.1:1".to_string());
        let c = Config::resolve_with(file("addr = \"0.0.0.0:80\""), Overrides::default(), &env)
            .expect("config");
        assert_eq!(c.addr, "10.0.0.1:1");
        let c = Config::resolve_with(
            file("addr = \"0.0.0.0:80\""),
            Overrides::default().set("addr", Some("127.0.0.1:9")),
            &env,
        )
        .expect("config");
        assert_eq!(c.addr, "127.0.0.1:9");
    }

    #[test]
    fn grouped_keys_are_read_and_old_flat_keys_still_work_with_a_note() {
        let c = Config::resolve_with(
            file(
                "[warning]\nsmtp_url = \"smtp://mail:25\"\nfirms_interval_min = 1\n\
                 [operations]\nlog_format = \"json\"\n\
                 [audit]\nsigning_key = \"/k\"\n[accounts]\nsecure_cookies = true",
            ),
            Overrides::default(),
            &no_env,
        )
        .expect("config");
        assert_eq!(c.smtp_url.as_deref(), Some("smtp://mail:25"));
        assert_eq!(c.firms_interval_min, 5, "at least five minutes");
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(c.secure_cookies);
        assert_eq!(c.audit_signing_key, PathBuf::from("/k"));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        let c = Config::resolve_with(
            file("smtp_url = \"smtp://old:25\"\nlog = \"debug\""),
            Overrides::default(),
            &no_env,
        )
        .expect("config");
        assert_eq!(c.smtp_url.as_deref(), Some("smtp://old:25"));
        assert_eq!(c.log, "debug");
        assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
        assert!(c.notes[0].contains("`log`") || c.notes[1].contains("`log`"));
        // The grouped key wins over the old one.
        let c = Config::resolve_with(
            file("smtp_url = \"smtp://old:25\"\n[warning]\nsmtp_url = \"smtp://new:25\""),
            Overrides::default(),
            &no_env,
        )
        .expect("config");
        assert_eq!(c.smtp_url.as_deref(), Some("smtp://new:25"));
        // Every option has a variable.
        let env = |name: &str| match name {
            "SINERGI_SMTP_FROM" => Some("Balai <a@b>".to_string()),
            "SINERGI_LOG_FORMAT" => Some("json".to_string()),
            "SINERGI_SESSION_HOURS" => Some("8".to_string()),
            _ => None,
        };
        let c = Config::resolve_with(FileConfig::default(), Overrides::default(), &env)
            .expect("config");
        assert_eq!(c.smtp_from, "Balai <a@b>");
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.session_hours, 8);
        let env = |name: &str| (name == "SINERGI_LOG_FORMAT").then(|| "xml".to_string());
        let e = Config::resolve_with(FileConfig::default(), Overrides::default(), &env)
            .expect_err("bad format");
        assert!(e.to_string().contains("SINERGI_LOG_FORMAT"), "{e}");
    }

    #[test]
    fn private_webhooks_are_off_unless_allowed() {
        let c = Config::resolve_with(FileConfig::default(), Overrides::default(), &no_env)
            .expect("config");
        assert!(!c.webhook_allow_private);
        let c = Config::resolve_with(
            file("webhook_allow_private = true"),
            Overrides::default(),
            &no_env,
        )
        .expect("config");
        assert!(c.webhook_allow_private);
        let c = Config::resolve_with(
            file("webhook_allow_private = true"),
            Overrides::default().set("webhook_allow_private", Some(false)),
            &no_env,
        )
        .expect("config");
        assert!(
            !c.webhook_allow_private,
            "the environment overrides the file"
        );
    }

    #[test]
    fn unknown_keys_and_bad_urls_are_refused() {
        assert!(FileConfig::parse("data_dri = \"x\"").is_err());
        assert!(FileConfig::parse("[warning]\nsmtp_ulr = \"x\"").is_err());
        assert!(FileConfig::parse("[warnings]\nsmtp_url = \"x\"").is_err());
        assert!(FileConfig::parse("warning = 1").is_err());
        let o = Overrides::default().set("database_url", Some("mysql://x"));
        assert!(Config::resolve_with(FileConfig::default(), o, &no_env).is_err());
        let e = Config::resolve_with(
            file("[warning]\nfirms_interval_min = \"x\""),
            Overrides::default(),
            &no_env,
        )
        .expect_err("a string for a number");
        assert!(e.to_string().contains("firms_interval_min"), "{e}");
    }

    #[test]
    fn passwords_are_not_shown() {
        let o = Overrides::default().set("database_url", Some("postgres://u:secret@h/db"));
        let c = Config::resolve_with(FileConfig::default(), o, &no_env).expect("config");
        assert_eq!(c.redacted_url(), "postgres://u:***@h/db");
    }

    #[test]
    fn every_option_is_declared_once() {
        let mut fields = std::collections::HashSet::new();
        let mut keys = std::collections::HashSet::new();
        let mut envs = std::collections::HashSet::new();
        for o in OPTIONS {
            assert!(fields.insert(o.field), "{} twice", o.field);
            assert!(keys.insert(o.key), "{} twice", o.key);
            assert!(envs.insert(o.env), "{} twice", o.env);
            assert!(o.env.starts_with("SINERGI_"), "{}", o.env);
            assert!(!o.doc.is_empty() && !o.default.is_empty(), "{}", o.field);
        }
        for o in OPTIONS.iter().filter(|o| !o.old_key.is_empty()) {
            assert!(keys.insert(o.old_key), "{} is also another key", o.old_key);
            assert!(!o.old_key.contains('.'));
        }
    }

    /// The README's configuration table is the one [`markdown_table`] makes; run with
    /// `SINERGI_BLESS=1` to write it.
    #[test]
    fn the_readme_table_matches_the_declaration() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        let (start, end) = ("<!-- options:begin -->\n", "<!-- options:end -->");
        let a = readme.find(start).expect("the table's start marker") + start.len();
        let b = readme.find(end).expect("the table's end marker");
        let want = markdown_table();
        if readme[a..b] != want {
            if std::env::var_os("SINERGI_BLESS").is_some() {
                let fixed = format!("{}{want}{}", &readme[..a], &readme[b..]);
                std::fs::write(&path, fixed).expect("write README.md");
            } else {
                panic!(
                    "README.md's configuration table differs from the options declared in \
                     crates/sinergi/src/config.rs; write this between the markers (or run \
                     the test with SINERGI_BLESS=1):\n{want}"
                );
            }
        }
    }
}
