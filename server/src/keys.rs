//! The installation's Ed25519 key that signs every month archive's manifest. Generated on
//! first start from the operating system's random source and kept in a file outside the
//! database (`BITA_ARCHIVE_KEY`, default `data/archive-signing.key`, mode 0600): a copy of
//! the database alone cannot forge an archive, and a restored database still verifies.

use ed25519_dalek::SigningKey;
use std::io::Write;
use std::path::Path;

/// Reads the key, or makes and stores a new one when the file does not exist yet.
pub fn load_or_create(path: &Path) -> Result<SigningKey, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let seed: [u8; 32] = export::archive::unhex(text.trim())
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| format!("{} is not an archive signing key (64 hex digits)", path.display()))?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| format!("no random source for the archive key: {e}"))?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            f.write_all(format!("{}\n", export::archive::hex(&seed)).as_bytes()).and_then(|_| f.sync_all()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "created the installation's archive signing key");
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// The public key as BITA shows it (hex).
pub fn public_hex(key: &SigningKey) -> String {
    export::archive::hex(key.verifying_key().as_bytes())
}
