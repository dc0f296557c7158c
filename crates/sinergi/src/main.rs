//! The `sinergi` binary: reads configuration, opens the database (SQLite by default,
//! PostgreSQL by URL), migrates it, and then serves the web application or runs one
//! administrative command.

mod area_cli;
mod bench;
mod bench_cases;
mod bench_coordination;
mod bench_fences;
mod bench_forms;
mod bench_patrols;
mod bench_sync;
mod campaign_cli;
mod case_cli;
mod config;
mod coordination_cli;
mod form_cli;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use sinergi_app::export::{ExportFormat, ExportWriter};
use sinergi_app::{App, AppConfig, AppError, SystemClock};
use sinergi_core::agency::NewAgency;
use sinergi_core::query::RawReportQuery;

use crate::config::{Config, FileConfig, LogFormat, Overrides};

/// mimalloc rather than the C library's allocator: ingest allocates and frees a few
/// megabytes per batch on every runtime thread, and glibc hands such memory back to the
/// kernel and faults it in again (zeroed) at the next batch — a fifth of the ingest path's
/// time in `sinergi bench fences` before the change.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sinergi",
    version,
    about = "Sinergi: inter-agency coordination and data exchange"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct GlobalArgs {
    /// Configuration file (default: ./sinergi.toml when present).
    #[arg(long, global = true, env = "SINERGI_CONFIG")]
    config: Option<PathBuf>,
    /// Folder for the SQLite database and attachments (default ./sinergi-data).
    #[arg(long, global = true, env = "SINERGI_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://FILE or postgres://USER@HOST/DB (default: SQLite in the data folder).
    #[arg(long, global = true, env = "SINERGI_DATABASE_URL")]
    database_url: Option<String>,
    /// The key audit checkpoints are signed with (default DATA_DIR/audit-signing.key;
    /// made when missing). Keep it outside the database and its backups.
    #[arg(long, global = true, env = "SINERGI_AUDIT_SIGNING_KEY")]
    audit_signing_key: Option<PathBuf>,
}

/// How often `serve` sends the reminders of open action items, in seconds.
const REMINDER_INTERVAL_S: u64 = 600;

#[derive(Subcommand)]
enum Command {
    /// Migrate, then serve the web application and the API.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "SINERGI_ADDR")]
        addr: Option<String>,
        /// Load the demo data set into an empty database.
        #[arg(long)]
        demo: bool,
        /// Take fixes from this MQTT broker, e.g. mqtt://127.0.0.1:1883.
        #[arg(long, env = "SINERGI_MQTT_URL")]
        mqtt_url: Option<String>,
        /// MQTT topic filter (default sinergi/fixes/#).
        #[arg(long, env = "SINERGI_MQTT_TOPIC")]
        mqtt_topic: Option<String>,
        /// Let webhooks point into private networks (loopback, private, link-local
        /// addresses), e.g. a gateway on this server's own network (default false).
        #[arg(
            long,
            env = "SINERGI_WEBHOOK_ALLOW_PRIVATE",
            num_args = 0..=1,
            default_missing_value = "true",
            value_parser = clap::builder::BoolishValueParser::new()
        )]
        webhook_allow_private: Option<bool>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Manage agencies (instansi).
    #[command(subcommand)]
    Agency(AgencyCmd),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Export data.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Read and verify the audit trail.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Import observations from files.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Reminders of open action items (in-app notifications).
    #[command(subcommand)]
    Reminders(RemindersCmd),
    /// Area profiles: list them, show one.
    #[command(subcommand)]
    Area(area_cli::AreaCmd),
    /// Measure storage and query performance at scale.
    #[command(subcommand)]
    Bench(bench::BenchCmd),
    /// Working groups (Pokja, Satgas, Tim Terpadu), as a user (`--as`).
    #[command(subcommand)]
    Group(coordination_cli::GroupCmd),
    /// Meetings of working groups, as a user (`--as`).
    #[command(subcommand)]
    Meeting(coordination_cli::MeetingCmd),
    /// Action items decided at meetings, as a user (`--as`).
    #[command(subcommand)]
    ActionItem(coordination_cli::ActionItemCmd),
    /// Official letters (naskah dinas), as a user (`--as`).
    #[command(subcommand)]
    Letter(coordination_cli::LetterCmd),
    /// Plans of working groups with their progress, as a user (`--as`).
    #[command(subcommand)]
    Plan(coordination_cli::PlanCmd),
    /// Cases carried to court: list, show, open, step, overdue, funnel, open an
    /// identity, as a user (`--as`).
    #[command(subcommand)]
    Case(case_cli::CaseCmd),
    /// Forms from XLSForm workbooks and their submissions: import (publish a version),
    /// list, show, submit, submissions, review, as a user (`--as`).
    #[command(subcommand)]
    Form(form_cli::FormCmd),
    /// Monitoring campaigns: create, list, show (who answered each period, the rates,
    /// who is late), as a user (`--as`).
    #[command(subcommand)]
    Campaign(campaign_cli::CampaignCmd),
    /// Write a consistent copy of the database to a new file while Sinergi runs
    /// (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump`, plain SQL). Protected persons are
    /// in it as ciphertext only: keep the key files apart from it.
    Backup {
        /// The file to write; an existing file is never replaced.
        file: PathBuf,
    },
    /// Write a new key file for an agency's protected persons (victims, witnesses,
    /// informants) to the keys folder; never replaces one.
    Keygen {
        /// The agency's code, e.g. POLRES-KAPUAS-HULU.
        #[arg(long, value_name = "CODE")]
        agency: String,
    },
}

#[derive(Subcommand)]
enum RemindersCmd {
    /// Send the reminders due now ("due in 3 days", "overdue"), each once per item, in the
    /// app and by e-mail to those who gave an address (when `smtp_url` is set), and print
    /// how many were sent; `serve` does this every 10 minutes.
    Run {
        /// Run as at this instant (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// A Movebank CSV export (either column spelling); bad rows are reported by line and
    /// the rest go in.
    Movebank {
        file: PathBuf,
        /// Report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import as this user (their agency's devices only); default: the local operator.
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// A NASA FIRMS VIIRS or MODIS CSV of fire hotspots; each new one inside a watched
    /// area raises a fire alert, and importing a file again changes nothing.
    Firms {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// A GPX file from a handheld GPS: its tracks become legs of a patrol, one per day;
    /// a track the patrol already has is not added again. The file is refused whole,
    /// naming its lines, when a point has no time or cannot be a position.
    Gpx {
        file: PathBuf,
        /// The patrol to add the tracks to; without it a new patrol of the user's agency
        /// is made from the file.
        #[arg(long)]
        patrol: Option<String>,
        /// Import as this user (required: a patrol belongs to an agency).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

#[derive(Subcommand)]
enum AgencyCmd {
    /// Add an agency.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// police, park_authority, narcotics_agency, local_government, military, prosecutor,
        /// court, immigration, village, ngo or other.
        #[arg(long)]
        kind: String,
        /// Code of the parent agency.
        #[arg(long)]
        parent: Option<String>,
        /// Kemendagri region codes the agency is responsible for, comma-separated.
        #[arg(long, value_delimiter = ',')]
        jurisdiction: Vec<String>,
    },
    /// List agencies.
    List,
    /// Show whom an agency reports to (the route a letter follows upward), or set it:
    /// `reports-to KEL-KOTA-BAMBU-SELATAN KEC-PALMERAH`; `--parent` lets it report to its
    /// parent again.
    ReportsTo {
        code: String,
        /// The superior's code.
        superior: Option<String>,
        #[arg(long, conflicts_with = "superior")]
        parent: bool,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// Agency code.
        #[arg(long)]
        agency: String,
        /// field_officer, coordinator, analyst, agency_admin or system_admin.
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        display_name: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Deactivate a user and end all their sessions.
    Deactivate { username: String },
    /// Reactivate a user.
    Activate { username: String },
    /// Clear a user's second factor (a lost phone) and end their sessions; they set it
    /// up again at their next sign-in.
    ResetTotp { username: String },
    /// Change a user's display name or role.
    Edit {
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// field_officer, coordinator, analyst, agency_admin or system_admin.
        #[arg(long)]
        role: Option<String>,
    },
    /// Set a user's e-mail address for reminders, or remove it with --clear.
    Email {
        username: String,
        address: Option<String>,
        #[arg(long, conflicts_with = "address")]
        clear: bool,
    },
    /// Set a user's password (read from standard input) and end their sessions.
    Passwd {
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The user must replace it at the next sign-in.
        #[arg(long)]
        temporary: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Walk the hash chain and check every signed checkpoint against it (truncation,
    /// rewriting); exit 0 when intact, non-zero naming what is wrong.
    Verify {
        /// Check checkpoints with this public key (64 hexadecimal characters, as
        /// `audit public-key` prints) instead of the local key file; repeat for several.
        #[arg(long = "public-key", value_name = "HEX")]
        public_key: Vec<String>,
        /// Also compare each report's stored content with the hash of its latest audited
        /// state, naming every report changed outside Sinergi.
        #[arg(long)]
        records: bool,
    },
    /// Sign the newest entry now (a checkpoint), if the trail grew since the last one.
    Checkpoint,
    /// Print the public half of the audit signing key (made when missing), for whoever
    /// checks checkpoints elsewhere.
    PublicKey,
    /// Print the newest entries.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        record: Option<String>,
        #[arg(long)]
        action: Option<String>,
    },
}

#[derive(Subcommand)]
enum ExportCmd {
    /// Export reports as GeoJSON or CSV, streamed in constant memory.
    Reports {
        #[arg(long, default_value = "geojson")]
        format: String,
        /// Write here instead of standard output; the file appears only when complete.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Export only what this user may see (default: everything, as the operator).
        #[arg(long = "as")]
        as_user: Option<String>,
        #[arg(long = "type")]
        type_key: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        datetime: Option<String>,
        #[arg(long)]
        bbox: Option<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// `sinergi backup FILE`: a copy of the database, never over an existing file.
async fn backup(app: &App, database_url: &str, file: &std::path::Path) -> anyhow::Result<()> {
    if file.exists() {
        anyhow::bail!(
            "{} exists; a backup never replaces a file: choose another name",
            file.display()
        );
    }
    let name = file
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("{} is not a UTF-8 path", file.display()))?;
    if !app.store.copy_into(name).await? {
        // The password goes to pg_dump in its environment, not on its command line,
        // where every local user could read it.
        let (url, password) = without_password(database_url);
        let mut cmd = std::process::Command::new("pg_dump");
        cmd.args(["--format=plain", "--no-owner", "--no-privileges", "--file"])
            .arg(file)
            .arg("--dbname")
            .arg(url);
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        let status = cmd.status().context(
            "cannot run pg_dump (install the PostgreSQL client of the server's version)",
        )?;
        if !status.success() {
            let _ = std::fs::remove_file(file);
            anyhow::bail!("pg_dump failed ({status}); nothing was written");
        }
    }
    println!("Wrote a copy of the database to {}.", file.display());
    println!(
        "Protected persons are in it as ciphertext only. Keep the key files ({}) on another \
         medium: the copy is unreadable without them, and with them it opens.",
        app.config.case_keys_dir.display()
    );
    Ok(())
}

/// A database URL without its password, and the password, percent-decoded.
fn without_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end..];
    let Some(at) = rest.find('@') else {
        return (url.to_string(), None);
    };
    let Some(colon) = rest[..at].find(':') else {
        return (url.to_string(), None);
    };
    let encoded = &rest[colon + 1..at];
    let mut bytes = Vec::with_capacity(encoded.len());
    let raw = encoded.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'%', Some(b)) => {
                bytes.push(b);
                i += 3;
            }
            (c, _) => {
                bytes.push(c);
                i += 1;
            }
        }
    }
    let stripped = format!("{}{}{}", &url[..scheme_end], &rest[..colon], &rest[at..]);
    (stripped, Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A message for the person at the terminal, naming every invalid field.
fn describe(e: &anyhow::Error) -> String {
    if let Some(app) = e.downcast_ref::<AppError>() {
        if let AppError::Validation(v) = app {
            return v
                .errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("\n       ");
        }
        if let AppError::Internal(source) = app {
            // The operator holds the database and the files: show the cause.
            let mut text = source.to_string();
            let mut cur = source.source();
            while let Some(c) = cur {
                text.push_str(": ");
                text.push_str(&c.to_string());
                cur = c.source();
            }
            return text;
        }
        return app.to_string();
    }
    format!("{e:#}")
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = FileConfig::load(cli.global.config.as_deref())?;
    let addr_override = match &cli.command {
        Command::Serve { addr, .. } => addr.clone(),
        _ => None,
    };
    let (mqtt_url, mqtt_topic, webhook_allow_private) = match &cli.command {
        Command::Serve {
            mqtt_url,
            mqtt_topic,
            webhook_allow_private,
            ..
        } => (mqtt_url.clone(), mqtt_topic.clone(), *webhook_allow_private),
        _ => (None, None, None),
    };
    let cfg = Config::resolve(
        file,
        Overrides::default()
            .set(
                "data_dir",
                cli.global.data_dir.as_ref().map(|p| p.display()),
            )
            .set("database_url", cli.global.database_url.clone())
            .set(
                "audit_signing_key",
                cli.global.audit_signing_key.as_ref().map(|p| p.display()),
            )
            .set("addr", addr_override)
            .set("mqtt_url", mqtt_url)
            .set("mqtt_topic", mqtt_topic)
            .set("webhook_allow_private", webhook_allow_private),
    )?;
    init_tracing(&cfg.log, cfg.log_format);
    for note in &cfg.notes {
        tracing::warn!("{note}");
    }
    if let Command::Bench(cmd) = cli.command {
        return bench::run(cmd).await;
    }
    std::fs::create_dir_all(&cfg.data_dir)
        .with_context(|| format!("cannot create {}", cfg.data_dir.display()))?;
    let store = sinergi_store::open(&cfg.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", cfg.redacted_url()))?;
    if matches!(cli.command, Command::Migrate) {
        println!("The database at {} is up to date.", cfg.redacted_url());
        return Ok(());
    }
    let app = Arc::new(
        App::new(
            store,
            Arc::new(SystemClock),
            AppConfig {
                delivery: sinergi_app::warning::DeliveryConfig {
                    sms: cfg
                        .sms_gateway_url
                        .clone()
                        .map(|url| sinergi_app::warning::SmsGateway {
                            url,
                            body: cfg.sms_gateway_body.clone(),
                        }),
                    smtp: cfg.smtp_url.clone().map(|url| sinergi_app::warning::Smtp {
                        url,
                        from: cfg.smtp_from.clone(),
                    }),
                    allow_private_webhooks: cfg.webhook_allow_private,
                },
                trust_forwarded_for: cfg.trust_forwarded_for,
                audit_signing_key: cfg.audit_signing_key.clone(),
                case_keys_dir: cfg.case_keys_dir.clone(),
                session_hours: i64::try_from(cfg.session_hours).unwrap_or(i64::MAX),
                token_hours: i64::try_from(cfg.token_hours).unwrap_or(i64::MAX),
                metrics: sinergi_app::operations::MetricsAccess {
                    token: cfg.metrics_token.clone(),
                    public: cfg.metrics_public,
                },
                maps: sinergi_app::basemap::MapsConfig {
                    tile_url: cfg.tile_url.clone(),
                    tile_attribution: cfg.tile_attribution.clone(),
                    basemap_file: cfg.basemap_file.clone(),
                },
                ..AppConfig::new(cfg.data_dir.clone())
            },
        )
        .await?,
    );
    match cli.command {
        Command::Serve { demo, .. } => {
            app.check_case_keys()
                .await
                .context("protected persons cannot be read")?;
            serve(app, &cfg, demo).await
        }
        Command::Migrate | Command::Bench(_) => Ok(()),
        Command::Agency(cmd) => agency(app, cmd).await,
        Command::User(cmd) => user(app, cmd).await,
        Command::Export(cmd) => export(app, cmd).await,
        Command::Audit(cmd) => audit(app, cmd).await,
        Command::Import(cmd) => import(app, cmd).await,
        Command::Group(cmd) => coordination_cli::group(&app, cmd).await,
        Command::Meeting(cmd) => coordination_cli::meeting(&app, cmd).await,
        Command::ActionItem(cmd) => coordination_cli::action_item(&app, cmd).await,
        Command::Letter(cmd) => coordination_cli::letter(&app, cmd).await,
        Command::Plan(cmd) => coordination_cli::plan(&app, cmd).await,
        Command::Area(cmd) => area_cli::run(app, cmd).await,
        Command::Case(cmd) => case_cli::run(&app, cmd).await,
        Command::Form(cmd) => form_cli::run(&app, cmd).await,
        Command::Campaign(cmd) => campaign_cli::run(&app, cmd).await,
        Command::Keygen { agency } => case_cli::keygen(app, &agency).await,
        Command::Backup { file } => backup(&app, &cfg.database_url, &file).await,
        Command::Reminders(RemindersCmd::Run { at }) => {
            let now = match at {
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .map_err(|e| anyhow::anyhow!("--at: {e}"))?
                    .with_timezone(&chrono::Utc),
                None => app.now(),
            };
            let sent = app.run_reminders(now).await?;
            let mail = app.send_due_mail().await?;
            println!(
                "Sent {} reminders ({} notifications, {} mails queued); mailed {}, {} failed.",
                sent.reminders, sent.notifications, sent.mails, mail.sent, mail.failed
            );
            if !app.mail_configured() {
                println!("No SMTP server is set up (smtp_url): reminders are not mailed.");
            }
            Ok(())
        }
    }
}

fn init_tracing(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::new(filter);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        // One object per line with the fields of the enclosing spans (the request id).
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .flatten_event(true)
            .try_init(),
        LogFormat::Text => {
            // Colours only on a terminal: a log file or journal must not fill with escape
            // codes.
            let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none();
            builder.with_ansi(colour).try_init()
        }
    };
}

async fn serve(app: Arc<App>, cfg: &Config, demo: bool) -> anyhow::Result<()> {
    if demo {
        if app.store.agency_count().await? == 0 {
            let summary = sinergi_app::demo::load(&app).await?;
            println!(
                "Loaded the demo data set: {} agencies, {} users, {} reports, {} agreements; \
                 early warning: {} fences, {} rules, {} collar fixes, {} alerts; \
                 {} joint patrols with {} day tracks; {} letters; {} working groups with {} meetings \
                 and {} action items; {} cases with {} persons.",
                summary.agencies,
                summary.users.len(),
                summary.reports,
                summary.agreements,
                summary.warning.fences,
                summary.warning.rules,
                summary.warning.fixes,
                summary.warning.alerts,
                summary.patrols.patrols,
                summary.patrols.legs,
                summary.letters,
                summary.coordination.groups,
                summary.coordination.meetings,
                summary.coordination.items,
                summary.cases.cases,
                summary.cases.persons
            );
        } else {
            println!("The database already has data; the demo data set is not loaded again.");
        }
        // The demo's own offline base map, drawn once, unless another base map is set.
        if cfg.basemap_file.is_none() && cfg.tile_url.is_none() {
            let file = cfg.data_dir.join("demo-basemap.mbtiles");
            if !file.exists() {
                let tiles = sinergi_app::basemap::write_demo(&file).await?;
                println!(
                    "Drew the demo base map: {tiles} tiles in {}.",
                    file.display()
                );
            }
            app.open_basemap(&file).await?;
        }
    }
    let listener = tokio::net::TcpListener::bind(&cfg.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.addr))?;
    let addr = listener.local_addr()?;
    println!("Sinergi is listening on http://{addr}");
    if demo {
        println!(
            "Sign in at http://{addr}/masuk with one of the demo users, password {}:",
            sinergi_app::demo::DEMO_PASSWORD
        );
        for u in app.store.users(None).await? {
            let agency = app
                .store
                .agency(u.agency_id)
                .await?
                .map(|a| a.code.to_string())
                .unwrap_or_default();
            println!(
                "  {:<28} {:<14} {}",
                u.username.as_str(),
                u.role.as_str(),
                agency
            );
        }
    }
    let _ = std::io::stdout().flush();
    // Audit checkpoints: the key is made now if missing, so a broken key file stops the
    // start rather than the first checkpoint.
    let key = app.audit_key()?;
    tracing::info!(
        public_key = %key.public_key(),
        key_file = %cfg.audit_signing_key.display(),
        every_min = cfg.audit_checkpoint_interval_min,
        "audit checkpoints enabled"
    );
    tokio::spawn(
        app.clone()
            .run_audit_checkpoints(std::time::Duration::from_secs(
                cfg.audit_checkpoint_interval_min * 60,
            )),
    );
    // Reminders of open action items, every 10 minutes (each is sent once per item).
    {
        let app = app.clone();
        tokio::spawn(async move {
            let every = std::time::Duration::from_secs(REMINDER_INTERVAL_S);
            loop {
                match app.run_reminders(app.now()).await {
                    Ok(s) if s.reminders > 0 => tracing::info!(
                        reminders = s.reminders,
                        notifications = s.notifications,
                        "action item reminders sent"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "action item reminders"),
                }
                match app.send_due_mail().await {
                    Ok(m) if m.sent + m.failed > 0 => {
                        tracing::info!(sent = m.sent, failed = m.failed, "reminder mail")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "reminder mail"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }
    // Early warning: deliveries, dwell ticks and device health; fixes from MQTT; FIRMS.
    tokio::spawn(app.clone().run_warning_worker());
    if let Some(url) = cfg.mqtt_url.clone() {
        let m = sinergi_app::warning::mqtt::MqttConfig {
            url,
            topic: cfg.mqtt_topic.clone(),
            client_id: format!("sinergi-{}", cfg.addr.replace([':', '.'], "-")),
        };
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = sinergi_app::warning::mqtt::run(app, m).await {
                tracing::error!(error = %e, "MQTT ingest stopped");
            }
        });
    }
    if let Some(url) = cfg.firms_url.clone() {
        let app = app.clone();
        let every = std::time::Duration::from_secs(cfg.firms_interval_min * 60);
        tokio::spawn(async move {
            let http = reqwest_client();
            loop {
                match fetch_text(&http, &url).await {
                    Ok(text) => match app.import_firms(None, &text, false).await {
                        Ok(r) => tracing::info!(new = r.stored, alerts = r.alerts, "FIRMS poll"),
                        Err(e) => tracing::error!(error = %e, "FIRMS import"),
                    },
                    Err(e) => tracing::warn!(error = %e, "FIRMS poll"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }
    let state = sinergi_web::AppState {
        app: app.clone(),
        secure_cookies: cfg.secure_cookies,
    };
    let served = axum::serve(
        listener,
        sinergi_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error");
    // A last checkpoint covers what was appended since the previous one.
    match app.write_audit_checkpoint().await {
        Ok(sinergi_app::checkpoints::CheckpointOutcome::Written(c)) => {
            tracing::info!(seq = c.seq, "audit checkpoint written at shutdown")
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %describe(&e.into()), "audit checkpoint at shutdown"),
    }
    served
}

fn reqwest_client() -> sinergi_app::warning::HttpClient {
    sinergi_app::warning::net::http_client()
}

async fn fetch_text(http: &sinergi_app::warning::HttpClient, url: &str) -> anyhow::Result<String> {
    let r = http
        .get(url)
        .timeout(std::time::Duration::from_secs(60))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("{url} answered {}", r.status());
    }
    Ok(r.text().await?)
}

/// `import gpx`: the tracks of a file as legs of a patrol, as a user of an agency.
async fn import_gpx(
    app: Arc<App>,
    file: PathBuf,
    patrol: Option<String>,
    as_user: Option<String>,
) -> anyhow::Result<()> {
    let Some(name) = as_user else {
        bail!("a patrol belongs to an agency: name the user importing the file with --as USER");
    };
    let patrol = match patrol {
        Some(p) => Some(
            sinergi_core::ids::PatrolId::parse(&p)
                .with_context(|| format!("--patrol {p} is not a patrol id (a UUID)"))?,
        ),
        None => None,
    };
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let (user, _) = app
        .store
        .user_credentials(&name)
        .await?
        .with_context(|| format!("there is no user {name}"))?;
    let actor = app.actor_for(&user).await?;
    let r = match app.import_gpx(&actor, patrol, &bytes, app.now()).await {
        Ok(r) => r,
        Err(sinergi_app::AppError::Validation(e)) => {
            for f in &e.errors {
                eprintln!("{}: {}", file.display(), f.message);
            }
            bail!(
                "{} was refused ({} problems, listed above); nothing was stored",
                file.display(),
                e.errors.len()
            );
        }
        Err(e) => return Err(e.into()),
    };
    println!(
        "Imported {} into patrol {} ({}{}): {} legs added, {} already stored, {} waypoints.",
        file.display(),
        r.patrol.id,
        r.patrol.title,
        if r.created_patrol { ", new" } else { "" },
        r.legs.len(),
        r.duplicates.len(),
        r.waypoints.len()
    );
    for l in &r.legs {
        println!(
            "  leg {} of {}: {} points",
            l.id,
            l.date,
            l.track.point_count()
        );
    }
    for d in &r.duplicates {
        println!("  already stored as leg {d}");
    }
    for w in &r.warnings {
        eprintln!("{}: {}", file.display(), w.message);
    }
    Ok(())
}

async fn import(app: Arc<App>, cmd: ImportCmd) -> anyhow::Result<()> {
    let (file, dry_run, as_user, firms) = match cmd {
        ImportCmd::Gpx {
            file,
            patrol,
            as_user,
        } => return import_gpx(app, file, patrol, as_user).await,
        ImportCmd::Movebank {
            file,
            dry_run,
            as_user,
        } => (file, dry_run, as_user, false),
        ImportCmd::Firms {
            file,
            dry_run,
            as_user,
        } => (file, dry_run, as_user, true),
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
    let actor = match as_user {
        Some(name) => {
            let (user, _) = app
                .store
                .user_credentials(&name)
                .await?
                .with_context(|| format!("there is no user {name}"))?;
            Some(app.actor_for(&user).await?)
        }
        None => None,
    };
    let r = if firms {
        app.import_firms(actor.as_ref(), &text, dry_run).await?
    } else {
        app.import_movebank(actor.as_ref(), &text, dry_run).await?
    };
    let what = if firms { "hotspots" } else { "fixes" };
    if dry_run {
        println!(
            "Dry run of {}: {} rows; would store {} {what}, hold {} (devices unknown, not deployed or another agency's), skip {} already stored, refuse {}; {} alerts would be raised.",
            file.display(), r.rows, r.stored, r.held, r.duplicates, r.refused, r.alerts
        );
    } else {
        println!(
            "Imported {}: {} rows; stored {} {what}, held {} (devices unknown, not deployed or another agency's), {} already stored, {} refused; {} alerts raised.",
            file.display(), r.rows, r.stored, r.held, r.duplicates, r.refused, r.alerts
        );
    }
    for e in &r.errors {
        eprintln!("{}:{}: {}", file.display(), e.line, e.message);
    }
    if !r.errors.is_empty() {
        bail!(
            "{} rows were refused (listed above); the others went in",
            r.errors.len()
        );
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

async fn agency(app: Arc<App>, cmd: AgencyCmd) -> anyhow::Result<()> {
    match cmd {
        AgencyCmd::Add {
            code,
            name,
            kind,
            parent,
            jurisdiction,
        } => {
            let new = NewAgency::parse(&code, &name, &kind, parent.as_deref(), &jurisdiction)
                .map_err(AppError::from)?;
            let a = app.create_agency(None, new).await?;
            println!("Added agency {} ({}).", a.code, a.name);
        }
        AgencyCmd::ReportsTo {
            code,
            superior,
            parent,
        } => {
            let body = match (&superior, parent) {
                (Some(s), _) => Some(serde_json::json!({ "superior": s })),
                (None, true) => Some(serde_json::json!({ "superior": null })),
                (None, false) => None,
            };
            let chain = match body {
                Some(b) => {
                    let body = <sinergi_core::letter::body::ReportingLineBody as sinergi_core::input::Body>::read(&b)
                        .map_err(AppError::from)?;
                    app.set_reporting_line(None, &code, &body).await?
                }
                None => {
                    let a = app
                        .agencies()
                        .await?
                        .into_iter()
                        .find(|a| a.code.as_str() == code.trim())
                        .ok_or_else(|| anyhow::anyhow!("{code} is not an agency"))?;
                    app.reporting_chain(a.id).await?
                }
            };
            if chain.is_empty() {
                println!("{code} reports to no one.");
            } else {
                let names: Vec<String> = chain
                    .iter()
                    .map(|a| format!("{} ({})", a.code, a.name))
                    .collect();
                println!("{code} → {}", names.join(" → "));
            }
        }
        AgencyCmd::List => {
            let all = app.agencies().await?;
            for a in &all {
                let parent = a
                    .parent_id
                    .and_then(|p| all.iter().find(|x| x.id == p))
                    .map(|p| p.code.to_string());
                println!(
                    "{:<28} {:<18} {:<24} {}",
                    a.code.as_str(),
                    a.kind.as_str(),
                    parent.unwrap_or_else(|| "-".into()),
                    a.name
                );
            }
        }
    }
    Ok(())
}

async fn user(app: Arc<App>, cmd: UserCmd) -> anyhow::Result<()> {
    match cmd {
        UserCmd::Add {
            username,
            agency,
            role,
            display_name,
            password_stdin,
        } => {
            let password = password_from_stdin(password_stdin)?;
            let u = app
                .create_user(None, &username, &display_name, &agency, &role, &password)
                .await?;
            println!(
                "Added user {} ({}) to {}.",
                u.username,
                u.role.as_str(),
                agency
            );
        }
        UserCmd::List => {
            let agencies = app.agencies().await?;
            for u in app.store.users(None).await? {
                let a = agencies
                    .iter()
                    .find(|a| a.id == u.agency_id)
                    .map(|a| a.code.to_string())
                    .unwrap_or_default();
                println!(
                    "{:<28} {:<14} {:<24} {:<8} {}",
                    u.username.as_str(),
                    u.role.as_str(),
                    a,
                    if u.active { "active" } else { "inactive" },
                    if u.totp_enabled { "totp" } else { "-" }
                );
            }
        }
        UserCmd::Deactivate { username } => {
            app.set_user_active(None, &username, false).await?;
            println!("Deactivated {username}; their sessions have ended.");
        }
        UserCmd::Activate { username } => {
            app.set_user_active(None, &username, true).await?;
            println!("Activated {username}.");
        }
        UserCmd::Edit {
            username,
            display_name,
            role,
        } => {
            if display_name.is_none() && role.is_none() {
                bail!("give --display-name or --role");
            }
            let u = app
                .update_user(None, &username, display_name.as_deref(), role.as_deref())
                .await?;
            println!(
                "Changed {}: {} ({}).",
                u.username,
                u.display_name,
                u.role.as_str()
            );
        }
        UserCmd::Email {
            username,
            address,
            clear,
        } => {
            if address.is_none() && !clear {
                bail!("give an address, or --clear to remove it");
            }
            let body = serde_json::json!({ "email": address });
            let body = <sinergi_core::user::EmailBody as sinergi_core::input::Body>::read(&body)
                .map_err(AppError::from)?;
            match app.set_user_email(None, &username, &body).await? {
                Some(e) => println!("Reminders for {username} are also mailed to {e}."),
                None => println!("Reminders for {username} are no longer mailed."),
            }
        }
        UserCmd::Passwd {
            username,
            password_stdin,
            temporary,
        } => {
            let password = password_from_stdin(password_stdin)?;
            app.reset_password(None, &username, &password, temporary)
                .await?;
            if temporary {
                println!("Set a temporary password for {username}; their sessions have ended. They choose their own at the next sign-in.");
            } else {
                println!("Set the password of {username}; their sessions have ended.");
            }
        }
        UserCmd::ResetTotp { username } => {
            app.reset_second_factor(None, &username).await?;
            println!(
                "Cleared the second factor of {username}; their sessions have ended. \
                 They set up a new one at their next sign-in."
            );
        }
    }
    Ok(())
}

/// The first line of standard input, for commands that take `--password-stdin`.
fn password_from_stdin(flag: bool) -> anyhow::Result<String> {
    if !flag {
        bail!("give --password-stdin and the password on standard input");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

async fn audit(app: Arc<App>, cmd: AuditCmd) -> anyhow::Result<()> {
    match cmd {
        AuditCmd::Verify {
            public_key,
            records,
        } => {
            let mut keys = Vec::new();
            for k in &public_key {
                keys.push(
                    sinergi_core::checkpoint::PublicKey::parse(k)
                        .map_err(|e| anyhow::anyhow!("--public-key: {e}"))?,
                );
            }
            let report = app.verify_audit(keys, records).await?;
            audit_verify_report(&report)
        }
        AuditCmd::Checkpoint => {
            use sinergi_app::checkpoints::CheckpointOutcome;
            match app.checkpoint_audit(None).await {
                Ok(CheckpointOutcome::Written(c)) => println!(
                    "Wrote a checkpoint of entry {} (hash {}) at {}, signed with key {}.",
                    c.seq,
                    c.hash,
                    c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    c.public_key
                ),
                Ok(CheckpointOutcome::Unchanged(c)) => println!(
                    "The newest checkpoint ({}) already covers entry {}, the newest entry; nothing was written.",
                    c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    c.seq
                ),
                Ok(CheckpointOutcome::Empty) => {
                    println!("The audit trail is empty; there is nothing to sign.")
                }
                Err(AppError::Conflict(m)) => bail!("{m}"),
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
        AuditCmd::PublicKey => {
            println!("{}", app.audit_key()?.public_key());
            Ok(())
        }
        AuditCmd::List {
            limit,
            actor,
            record,
            action,
        } => {
            let filter = sinergi_store::AuditFilter {
                actor,
                record_id: record,
                action,
                limit,
                ..Default::default()
            };
            for e in app.audit_entries(&filter).await? {
                println!(
                    "{:>7} {} {:<16} {:<24} {} {}",
                    e.seq,
                    e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    e.action,
                    e.actor,
                    e.record_id.unwrap_or_default(),
                    e.detail
                );
            }
            Ok(())
        }
    }
}

/// Prints what `audit verify` found; an error naming every problem when there is one.
fn audit_verify_report(r: &sinergi_app::checkpoints::AuditVerification) -> anyhow::Result<()> {
    let mut failures = Vec::new();
    match &r.broken {
        None => println!(
            "The audit trail is intact: {} entries, head {}.",
            r.checked, r.head
        ),
        Some(b) => failures.push(format!(
            "the audit trail is broken at entry {}: {} ({} entries before it are intact)",
            b.seq, b.reason, r.checked
        )),
    }
    let keys: Vec<String> = r.keys.iter().map(|k| k.to_string()).collect();
    match &r.newest_valid {
        Some(c) => {
            println!(
                "Checkpoints: {} checked with key {}; the newest valid one signs entry {} ({}).",
                r.checkpoints,
                keys.join(", "),
                c.seq,
                c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
        None if r.checkpoints == 0 => println!(
            "No checkpoints yet: no entry is protected by a signature (`sinergi audit checkpoint` writes one; `sinergi serve` writes them periodically)."
        ),
        None => println!(
            "Checkpoints: {} found, none valid{}.",
            r.checkpoints,
            if keys.is_empty() {
                String::new()
            } else {
                format!(" for key {}", keys.join(", "))
            }
        ),
    }
    if r.chain_end > 0 && (r.newest_valid.is_some() || r.checkpoints > 0) && r.uncovered() > 0 {
        println!(
            "Entries after the newest valid checkpoint, not yet signed: {}.",
            r.uncovered()
        );
    }
    failures.extend(r.problems.iter().cloned());
    if let Some(rec) = &r.records {
        println!(
            "Reports: {} checked, {} match their latest audited state, {} not covered (written before content hashes were recorded, or loaded in bulk).",
            rec.checked, rec.matching, rec.not_covered
        );
        for (id, seq) in &rec.differing {
            failures.push(format!(
                "report {id} differs from its latest audited state (entry {seq}): it was changed outside Sinergi"
            ));
        }
        for (id, seq) in &rec.missing {
            failures.push(format!(
                "report {id} is missing, though the audit trail records writes to it (the latest is entry {seq})"
            ));
        }
    }
    match failures.len() {
        0 => Ok(()),
        1 => bail!("{}", failures[0]),
        n => {
            for f in &failures {
                eprintln!("- {f}");
            }
            bail!("the audit trail failed verification: {n} problems, listed above")
        }
    }
}

async fn export(app: Arc<App>, cmd: ExportCmd) -> anyhow::Result<()> {
    let ExportCmd::Reports {
        format,
        output,
        as_user,
        type_key,
        region,
        agency,
        status,
        datetime,
        bbox,
    } = cmd;
    let format = ExportFormat::parse(&format)
        .ok_or_else(|| anyhow::anyhow!("--format must be geojson or csv"))?;
    let raw = RawReportQuery {
        bbox,
        datetime,
        type_key,
        region,
        agency,
        status,
        ..Default::default()
    };
    let filter = app.parse_report_query(&raw).await?;
    let actor = match as_user {
        Some(name) => {
            let (u, _) = app
                .store
                .user_credentials(&name)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--as: no user {name}"))?;
            Some(app.actor_for(&u).await?)
        }
        None => None,
    };
    app.audit_export(actor.as_ref(), format.extension(), &filter)
        .await?;
    let mut writer = ExportWriter::new(format);
    // Write to a temporary file beside the target and rename at the end, so a failed
    // export never leaves a half-written file under the requested name.
    let (mut out, tmp): (Box<dyn Write>, Option<(PathBuf, PathBuf)>) = match &output {
        Some(path) => {
            let tmp = path.with_extension(format!("{}.partial", format.extension()));
            let f = std::fs::File::create(&tmp)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            (
                Box::new(std::io::BufWriter::new(f)),
                Some((tmp, path.clone())),
            )
        }
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            None,
        ),
    };
    out.write_all(&writer.begin())?;
    let result = app
        .export_reports(actor.as_ref(), filter, |r, form| {
            out.write_all(&writer.row(r, form))
        })
        .await;
    let n = match result {
        Ok(n) => n,
        Err(e) => {
            drop(out);
            if let Some((tmp, _)) = &tmp {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(e.into());
        }
    };
    out.write_all(&writer.end())?;
    out.flush()?;
    drop(out);
    if let Some((tmp, path)) = tmp {
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("Exported {n} reports to {}.", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_backup_gives_pg_dump_the_password_apart_from_the_url() {
        assert_eq!(
            without_password("postgres://sinergi:k%40ta%20sandi@db:5432/sinergi"),
            (
                "postgres://sinergi@db:5432/sinergi".to_string(),
                Some("k@ta sandi".to_string())
            )
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1:5432/postgres"),
            (
                "postgres://postgres@127.0.0.1:5432/postgres".to_string(),
                None
            )
        );
        assert_eq!(
            without_password("postgresql://db/sinergi"),
            ("postgresql://db/sinergi".to_string(), None)
        );
    }

    /// Every flag and variable the command line reads is an option of the one table, under
    /// the same field, variable and flag.
    #[test]
    fn flags_and_variables_are_those_the_options_declare() {
        let cmd = Cli::command();
        let serve = cmd.find_subcommand("serve").expect("serve");
        let mut seen = 0;
        for (prefix, arg) in cmd
            .get_arguments()
            .map(|a| ("", a))
            .chain(serve.get_arguments().map(|a| ("serve ", a)))
        {
            let Some(env) = arg.get_env() else { continue };
            let env = env.to_string_lossy();
            if env == "SINERGI_CONFIG" {
                continue;
            }
            let o = config::OPTIONS
                .iter()
                .find(|o| o.env == env)
                .unwrap_or_else(|| panic!("{env} is not a declared option"));
            assert_eq!(o.field, arg.get_id().as_str(), "{env}");
            let flag = format!("{prefix}--{}", arg.get_long().expect("long"));
            assert_eq!(o.flag, flag, "{env}");
            seen += 1;
        }
        let with_flags = config::OPTIONS
            .iter()
            .filter(|o| !o.flag.is_empty())
            .count();
        assert_eq!(seen, with_flags, "every declared flag exists");
    }
}
