//! The installation's Ed25519 key that signs every month archive's manifest. Generated on
//! first start from the operating system's random source and kept in a file outside the
//! database (`BITA_ARCHIVE_KEY`, default `data/archive-signing.key`, mode 0600): a copy of
//! the database alone cannot forge an archive, and a restored database still verifies.
//!
//! A key file that other users of the machine can read is refused at start (anyone who reads
//! it can sign an archive that passes the check). `server key rotate` retires the key: its
//! public half is appended to `<key file>.retired` (public keys only, one per line) and a new
//! key takes its place, so archives signed before still verify and say which key signed them.

use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The keys an archive is checked against: the one that signs now and the retired ones.
#[derive(Clone, Debug)]
pub struct TrustedKeys {
    pub current: VerifyingKey,
    pub retired: Vec<VerifyingKey>,
}

impl TrustedKeys {
    /// Every trusted key, the current one first.
    pub fn all(&self) -> Vec<VerifyingKey> {
        std::iter::once(self.current).chain(self.retired.iter().copied()).collect()
    }
}

/// The file of retired public keys that belongs to the key file at `path`.
pub fn retired_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".retired");
    PathBuf::from(p)
}

/// Refuses a key file that anyone but its owner can read or write.
fn check_mode(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "the archive signing key {} can be read by other users of this machine (mode {:04o}); anyone who reads it can sign archives. Run: chmod 600 {}",
                path.display(),
                mode & 0o7777,
                path.display()
            ));
        }
    }
    Ok(())
}

/// Reads the key, or makes and stores a new one when the file does not exist yet.
pub fn load_or_create(path: &Path) -> Result<SigningKey, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_mode(path)?;
            let seed: [u8; 32] =
                hex::decode(text.trim()).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
                    format!("{} is not an archive signing key (64 hex digits)", path.display())
                })?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = new_key()?;
            write_new(path, &key)?;
            tracing::info!(path = %path.display(), "created the installation's archive signing key");
            Ok(key)
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn new_key() -> Result<SigningKey, String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no random source for the archive key: {e}"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes `key` to `path` (mode 0600), through a new file renamed into place, so a crash
/// leaves either the old key or the new one, never half of one.
fn write_new(path: &Path, key: &SigningKey) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    f.write_all(format!("{}\n", hex::encode(key.as_bytes())).as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .map_err(|e| format!("cannot move {} into place: {e}", tmp.display()))
}

/// The retired public keys listed next to the key file (none when there is no list). A line
/// that is not a public key is refused: a typo must not silently distrust an old archive.
pub fn retired(path: &Path) -> Result<Vec<VerifyingKey>, String> {
    let list = retired_path(path);
    let text = match std::fs::read_to_string(&list) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(format!("cannot read {}: {e}", list.display())),
    };
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            export::archive::public_key(l).ok_or_else(|| {
                format!("{}: {l:?} is not an Ed25519 public key (64 hex digits)", list.display())
            })
        })
        .collect()
}

/// The key that signs and every key an archive may have been signed with.
pub fn trusted(path: &Path) -> Result<(SigningKey, TrustedKeys), String> {
    let key = load_or_create(path)?;
    let trusted = TrustedKeys { current: key.verifying_key(), retired: retired(path)? };
    Ok((key, trusted))
}

/// Retires the current key (its public half appended to the retired list, with the date) and
/// puts a new one in its place. Returns the old and the new public key (hex). Every server of
/// the installation must be given the new key file and the list, then restarted.
pub fn rotate(path: &Path) -> Result<(String, String), String> {
    let old = load_or_create(path)?;
    let new = new_key()?;
    let list = retired_path(path);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&list)
        .map_err(|e| format!("cannot write {}: {e}", list.display()))?;
    let line =
        format!("{} # retired {}\n", public_hex(&old), chrono::Utc::now().format("%Y-%m-%d"));
    f.write_all(line.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", list.display()))?;
    write_new(path, &new)?;
    Ok((public_hex(&old), public_hex(&new)))
}

/// The public key as BITA shows it (hex).
pub fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_others_can_read_is_refused_with_how_to_fix_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        let key = load_or_create(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(
            load_or_create(&path).unwrap().as_bytes(),
            key.as_bytes(),
            "the same key is read back"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = load_or_create(&path).unwrap_err();
        assert!(refused.contains("chmod 600") && refused.contains("0644"), "{refused}");
    }

    #[test]
    fn rotation_keeps_the_old_public_key_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        let first = load_or_create(&path).unwrap();
        let (old, new) = rotate(&path).unwrap();
        assert_eq!(old, public_hex(&first));
        let (now, trusted) = trusted(&path).unwrap();
        assert_eq!(public_hex(&now), new);
        assert_ne!(old, new);
        assert_eq!(trusted.retired, vec![first.verifying_key()]);
        std::fs::write(retired_path(&path), "not-a-key\n").unwrap();
        assert!(retired(&path).unwrap_err().contains("not an Ed25519 public key"));
    }
}
