#![recursion_limit = "512"]
//! Starts BITA: configuration, logs, database, demo data, HTTP with graceful shutdown.

use leptos::config::get_configuration;
use server::{config::Config, db, demo};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("BITA_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn")))
        .init();
    if let Err(e) = run().await {
        tracing::error!(error = %e, "BITA could not start");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = Config::from_env();
    let leptos = get_configuration(None)?.leptos_options;
    let addr = leptos.site_addr;

    let pool = db::connect(&config.database_url).await?;
    tracing::info!("database ready");
    if config.demo_data && demo::is_empty(&pool).await? {
        demo::seed(&pool, app::api::service::today()).await?;
        tracing::info!("demo data loaded");
    }

    let app = server::router(&config, pool.clone(), leptos).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    if config.demo_data {
        println!("\nBITA is running on http://{addr}\nDemo logins (password \"{}\"):", demo::DEMO_PASSWORD);
        for (user, role, who) in demo::DEMO_LOGINS {
            println!("  {user:<16} {role:<15} {who}");
        }
        println!();
    }
    tracing::info!(%addr, "listening");
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests are finished before exit.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
