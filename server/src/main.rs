#![recursion_limit = "512"]
//! Starts BITA: configuration, logs, database, demo data (only when asked), HTTP with bounded
//! graceful shutdown; or one of the operator's commands (`server --help`, parsed by clap).

use app::i18n::Message;
use clap::{Parser, Subcommand};
use leptos::config::get_configuration;
use server::{admin, config::Config, db, demo};
use tracing_subscriber::EnvFilter;

/// mimalloc: per-thread heaps instead of glibc's locked arenas (a fifth of a loaded server's
/// CPU went to glibc's malloc, free and consolidation; perf, P2), and freed large blocks (each
/// login's 19 MiB password hash) go back to the system instead of growing the process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// BITA's one binary: without a command it serves (configured from the environment, see the
/// README); the commands are the operator's tools.
#[derive(Parser)]
#[command(
    name = "server",
    version,
    about = "BITA: time reporting for Swedish personal assistance. Without a command: serve BITA (configuration from the environment; see the README)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Administrators of a municipality.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The installation's archive signing key (`BITA_ARCHIVE_KEY`).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Move an installation into PostgreSQL (every row and id, checked before it commits).
    MigrateData {
        /// The source, e.g. `sqlite://data/bita.db`.
        #[arg(long)]
        from: String,
        /// The target, e.g. `postgres://bita@db/bita`.
        #[arg(long)]
        to: String,
    },
    /// FK's fillable forms.
    #[command(subcommand)]
    Form(FormCommand),
    /// The municipalities' comparison as the installation's operator sees it: each measure's
    /// spread over the municipalities taking part, month by month, as CSV (never one
    /// municipality's own figure).
    Benchmark {
        /// Compute every participant's figures first (otherwise the servers do, every 10 minutes).
        #[arg(long)]
        refresh: bool,
    },
    /// Check a month archive against this installation's keys (or `BITA_VERIFY_PUBLIC_KEY`);
    /// exits with 1 when anything does not match.
    Verify {
        /// The archive (ZIP).
        zip: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator (and the municipality, if its organisationsnummer is new); a
    /// generated password is printed once.
    Create {
        #[arg(long)]
        municipality: String,
        #[arg(long = "org-number", value_name = "NNNNNN-NNNN")]
        org_number: String,
        #[arg(long)]
        username: String,
        /// The full name shown in BITA (the username when left out).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every municipality's audit chain; exits with 1 when one is broken.
    Verify,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Print the public key that signs month archives (created on first use).
    Show,
    /// Retire the key (its public half is kept for old archives) and make a new one.
    Rotate,
}

#[derive(Subcommand)]
enum FormCommand {
    /// Write a fillable PDF with the field names of FK's form, to try the filling (not FK's form).
    Sample {
        /// `3059` or `3057`.
        kind: String,
        /// Where to write the PDF.
        out: String,
    },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BITA_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn")),
        )
        .init();
    let exit_on = |ok: Result<bool, _>| match ok {
        Ok(true) => Ok(()),
        Ok(false) => std::process::exit(1),
        Err(e) => Err(e),
    };
    let result = match Cli::parse().command {
        None => run().await,
        Some(Command::Admin(AdminCommand::Create { municipality, org_number, username, name })) => {
            create_admin(admin::NewAdmin::new(municipality, org_number, username, name)).await
        }
        Some(Command::Audit(AuditCommand::Verify)) => exit_on(audit_verify().await),
        Some(Command::Key(KeyCommand::Show)) => key_show(),
        Some(Command::Key(KeyCommand::Rotate)) => key_rotate(),
        Some(Command::MigrateData { from, to }) => migrate_data(&from, &to).await,
        Some(Command::Form(FormCommand::Sample { kind, out })) => form_sample(&kind, &out),
        Some(Command::Benchmark { refresh }) => benchmark(refresh).await,
        Some(Command::Verify { zip }) => exit_on(verify_archive(&zip)),
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "BITA stopped with an error");
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn create_admin(
    a: Result<admin::NewAdmin, String>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let a = a?;
    let config = Config::from_env();
    let pool = db::connect(&config.database_url).await?;
    let password = admin::create(&pool, &a).await?;
    println!(
        "Administrator {} created for {}.\nPassword (shown only now; change it after the first login): {password}",
        a.username, a.municipality
    );
    pool.close().await;
    Ok(())
}

/// `server form sample 3059 out.pdf`: a fillable PDF with the field names of FK's form (not
/// FK's form itself, which BITA does not ship), to try the upload and the filling.
fn form_sample(kind: &str, out: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let kind = export::form::FormKind::from_code(kind).ok_or("the form is 3059 or 3057")?;
    let names: Vec<String> = kind
        .default_mapping()
        .expanded()
        .into_iter()
        .map(|(_, end)| format!("form1[0].#subform[0].{end}"))
        .collect();
    std::fs::write(out, export::form::blank_for_tests(&names))
        .map_err(|e| format!("cannot write {out}: {e}"))?;
    println!(
        "wrote {out}: {} fields named as in FK {} (a sample, not FK's form)",
        names.len(),
        kind.code()
    );
    Ok(())
}

/// `server key show`: the public key that signs month archives (created on first use).
fn key_show() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = Config::from_env();
    let key = server::keys::load_or_create(&config.archive_key)?;
    println!("{}", server::keys::public_hex(&key));
    Ok(())
}

/// `server key rotate`: the current key's public half goes to the retired list (archives it
/// signed still verify) and a new key signs from now on. Give every server the new files.
fn key_rotate() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = Config::from_env();
    let (old, new) = server::keys::rotate(&config.archive_key)?;
    println!(
        "retired {old} (listed in {})\nnew key {new}\nCopy both files to every server of the installation and restart them.",
        server::keys::retired_path(&config.archive_key).display()
    );
    Ok(())
}

/// `server verify <zip>`: checks a month archive against this installation's keys, the current
/// one and those retired (or the key in `BITA_VERIFY_PUBLIC_KEY`, hex, for another
/// installation's archive); says exactly what does not match and exits with 1 when anything
/// does not.
fn verify_archive(path: &str) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let keys = match std::env::var("BITA_VERIFY_PUBLIC_KEY") {
        Ok(hex) => vec![
            export::archive::public_key(&hex)
                .ok_or("BITA_VERIFY_PUBLIC_KEY is not an Ed25519 public key (64 hex digits)")?,
        ],
        Err(_) => server::keys::trusted(&Config::from_env().archive_key)?.1.all(),
    };
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut report = export::archive::verify_from(std::io::BufReader::new(file), &keys);
    server::oidc::check_archived(&mut report);
    let l = app::i18n::Locale::En;
    if let (Some(m), Some(month), Some(at)) =
        (&report.municipality, &report.month, &report.created_at)
    {
        println!("{m}, {month}, made {at}");
    }
    for p in &report.problems {
        println!("FAIL {}", p.message(l));
    }
    if report.more_problems > 0 {
        println!("FAIL … and {} more", report.more_problems);
    }
    if let Some(k) = &report.signed_by {
        println!(
            "signed with {k}{}",
            if report.retired_key { " (a retired key of this installation)" } else { "" }
        );
    }
    println!("{} file(s) match the manifest", report.files_checked);
    for s in &report.signatures {
        let how = match (&s.eid, s.eid_holds) {
            (Some(e), holds) => format!(
                "with e-legitimation by {} through {} (acr {}); the evidence {}",
                e.personnummer_masked,
                e.issuer,
                e.acr,
                if holds == Some(true) { "holds" } else { "does NOT hold" }
            ),
            (None, _) => "with a password".into(),
        };
        let what = match s.what {
            engine::documents::SignatureWhat::Approval => "approval",
            engine::documents::SignatureWhat::Attestation => "attestation",
            engine::documents::SignatureWhat::Claim => "räkning",
        };
        println!("signature: {what} by {} at {} {how} ({})", s.signer, s.signed_at, s.file);
    }
    if report.more_signatures > 0 {
        println!("signature: … and {} more", report.more_signatures);
    }
    println!("{}", if report.ok { "OK: the signature and every file match" } else { "NOT OK" });
    Ok(report.ok)
}

/// `server migrate-data --from sqlite://… --to postgres://…`: moves everything, then says what
/// was checked (rows per table, entries per audit chain).
async fn migrate_data(
    from: &str,
    to: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let moved = db::migrate::migrate(from, to).await?;
    for (table, n) in &moved.tables {
        println!("{table:<18} {n:>8} rows");
    }
    for (chain, n) in &moved.chains {
        println!("audit chain of {chain}: {n} entries, intact");
    }
    println!("OK: every row moved and counted; every audit chain holds in PostgreSQL");
    Ok(())
}

/// `server audit verify`: checks every municipality's audit chain, names the first broken link
/// of each, and says whether all hold (exit code 1 when one does not).
/// `server benchmark [--refresh]`: the spreads, as CSV on standard output.
async fn benchmark(refresh: bool) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use app::service::benchmark;
    let config = Config::from_env();
    let pool = db::connect(&config.database_url).await?;
    let repo = db::DbRepo::new(pool.clone());
    let failed = |e: app::model::PageError| format!("the comparison could not be read: {e:?}");
    if refresh {
        let done = benchmark::refresh(&repo, chrono::Utc::now(), chrono::Duration::zero())
            .await
            .map_err(failed)?;
        eprintln!(
            "{} municipalities take part; computed {}",
            done.participants,
            done.computed.len()
        );
    }
    print!("{}", benchmark::spreads_csv(&repo).await.map_err(failed)?);
    pool.close().await;
    Ok(())
}

async fn audit_verify() -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let config = Config::from_env();
    let pool = db::connect(&config.database_url).await?;
    let reports = db::audit::verify_all(&pool).await?;
    pool.close().await;
    let mut ok = true;
    for r in &reports {
        let who = match r.tenant {
            Some(id) => format!("municipality {id} ({})", r.name),
            None => r.name.clone(),
        };
        match &r.result {
            Ok(n) => println!("{who}: {n} entries, chain intact"),
            Err(b) => {
                ok = false;
                println!("{who}: BROKEN at audit entry {}: {}", b.id, b.why.explain());
            }
        }
    }
    Ok(ok)
}

async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = Config::from_env();
    let leptos = get_configuration(None)?.leptos_options;
    let addr = leptos.site_addr;

    let pool = db::connect_sized(&config.database_url, config.pg_connections).await?;
    tracing::info!("database ready");
    if config.demo_data && demo::is_empty(&pool).await? {
        demo::seed(&pool, app::service::context::today()).await?;
        tracing::info!("demo data loaded");
    }

    let app = server::routes::router(&config, pool.clone(), leptos).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    if config.demo_data {
        println!(
            "\nBITA is running on http://{addr}\nDemo logins (password \"{}\"):",
            demo::DEMO_PASSWORD
        );
        for (user, role, who) in demo::DEMO_LOGINS {
            println!("  {user:<16} {role:<15} {who}");
        }
        println!();
    } else if demo::is_empty(&pool).await? {
        println!(
            "\nBITA is running on http://{addr} with no accounts yet. Create the first administrator:\n  {}\n",
            admin::USAGE.trim_start_matches("usage: ")
        );
    }
    tracing::info!(%addr, "listening");
    server::serve::serve(
        listener,
        app,
        config.header_read_timeout,
        config.shutdown_grace,
        shutdown(),
    )
    .await?;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests are finished (within the grace period).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
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
