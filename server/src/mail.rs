//! E-mail over SMTP with `lettre`, off unless `BITA_SMTP_HOST` is set. Messages are handed to a
//! background task, so a slow or absent mail server never holds up a page; a failure is
//! logged (without the message's content, which may carry an invitation link).

use app::service::context::{Mail, Mailer};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `BITA_SMTP_TLS=starttls` (default): plain connection upgraded with STARTTLS, required.
    StartTls,
    /// `tls`: TLS from the first byte (port 465).
    Tls,
    /// `none`: no encryption, for a relay on the same machine or the test sink only.
    None,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `BITA_SMTP_FROM`, e.g. `BITA <bita@kommun.se>`.
    pub from: String,
}

impl SmtpConfig {
    pub fn from_env() -> Option<Self> {
        let host = std::env::var("BITA_SMTP_HOST")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())?;
        let security = match std::env::var("BITA_SMTP_TLS").unwrap_or_default().trim() {
            "tls" => SmtpSecurity::Tls,
            "none" => SmtpSecurity::None,
            _ => SmtpSecurity::StartTls,
        };
        Some(Self {
            host,
            port: std::env::var("BITA_SMTP_PORT").ok().and_then(|p| p.trim().parse().ok()),
            security,
            username: std::env::var("BITA_SMTP_USER").ok().filter(|u| !u.is_empty()),
            password: std::env::var("BITA_SMTP_PASSWORD").ok(),
            from: std::env::var("BITA_SMTP_FROM")
                .unwrap_or_else(|_| "BITA <bita@localhost>".into()),
        })
    }
}

#[derive(Debug)]
struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer for SmtpMailer {
    fn send(&self, mail: Mail) {
        let message = match mail.to.parse::<Mailbox>() {
            Ok(to) => Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(mail.subject)
                .body(mail.body),
            Err(e) => {
                tracing::warn!("e-mail address refused: {e}");
                return;
            }
        };
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!("e-mail could not be built: {e}");
                return;
            }
        };
        let transport = self.transport.clone();
        tokio::spawn(async move {
            if let Err(e) = transport.send(message).await {
                tracing::warn!("e-mail not sent: {e}");
            }
        });
    }
}

/// The mailer `BITA_SMTP_*` asks for, or none (e-mail off).
pub fn from_config(smtp: Option<&SmtpConfig>) -> Option<Arc<dyn Mailer>> {
    let smtp = smtp?;
    let from = match smtp.from.parse::<Mailbox>() {
        Ok(f) => f,
        Err(e) => {
            tracing::error!("BITA_SMTP_FROM is not an address ({e}); e-mail is off");
            return None;
        }
    };
    let builder = match smtp.security {
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host),
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
        SmtpSecurity::None => {
            Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host))
        }
    };
    let mut builder = match builder {
        Ok(b) => b,
        Err(e) => {
            tracing::error!("SMTP settings refused ({e}); e-mail is off");
            return None;
        }
    };
    if let Some(port) = smtp.port {
        builder = builder.port(port);
    }
    if let (Some(u), Some(p)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
    }
    builder = builder.timeout(Some(std::time::Duration::from_secs(20)));
    Some(Arc::new(SmtpMailer { transport: builder.build(), from }))
}
