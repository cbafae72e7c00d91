//! Reading a multipart upload without holding it in memory: each file part streams to a
//! temporary file of its own, with a size limit per part; the small text fields are capped.
//! The guard has already decided who may send it and capped the whole body
//! ([`crate::guard::BodyKind::Upload`]).

use axum::extract::Multipart;
use std::collections::HashMap;
use std::io::{Read, Seek};
use tokio::io::AsyncWriteExt;

/// The longest text field of an upload form (a kind, a month).
const MAX_FIELD: usize = 1024;

/// A file part, on disk.
pub struct Part {
    pub file: tempfile::NamedTempFile,
    pub len: u64,
}

impl Part {
    /// The part's bytes (for parts whose limit is small enough to hold).
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut f = self.file.reopen()?;
        f.rewind()?;
        let mut out = Vec::with_capacity(self.len as usize);
        f.read_to_end(&mut out)?;
        Ok(out)
    }
}

/// What an upload carried.
#[derive(Default)]
pub struct Upload {
    pub fields: HashMap<String, String>,
    pub files: HashMap<String, Part>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// Why an upload could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadError {
    /// A file part past its limit, or a text field past [`MAX_FIELD`].
    TooLarge { field: String, limit: u64 },
    /// Not multipart, cut off, or past the route's body limit.
    Malformed,
    /// No temporary file could be written.
    Disk,
}

/// Reads every part: the file parts named in `files` (with their limits) to temporary files,
/// every other part as a short text (at most 1 KB, else the upload is refused).
pub async fn read(mut multipart: Multipart, files: &[(&str, u64)]) -> Result<Upload, UploadError> {
    let mut upload = Upload::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(upload),
            Err(_) => return Err(UploadError::Malformed),
        };
        let name = field.name().unwrap_or_default().to_string();
        if let Some((_, limit)) = files.iter().find(|(n, _)| *n == name) {
            let temp = tempfile::NamedTempFile::new().map_err(|_| UploadError::Disk)?;
            let mut file = tokio::fs::File::from_std(temp.reopen().map_err(|_| UploadError::Disk)?);
            let mut len = 0u64;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        len += chunk.len() as u64;
                        if len > *limit {
                            return Err(UploadError::TooLarge { field: name, limit: *limit });
                        }
                        file.write_all(&chunk).await.map_err(|_| UploadError::Disk)?;
                    }
                    Ok(None) => break,
                    Err(_) => return Err(UploadError::Malformed),
                }
            }
            file.flush().await.map_err(|_| UploadError::Disk)?;
            upload.files.insert(name, Part { file: temp, len });
        } else {
            let mut text = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if text.len() + chunk.len() > MAX_FIELD {
                            return Err(UploadError::TooLarge {
                                field: name,
                                limit: MAX_FIELD as u64,
                            });
                        }
                        text.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(_) => return Err(UploadError::Malformed),
                }
            }
            upload.fields.insert(name, String::from_utf8_lossy(&text).into_owned());
        }
    }
}
