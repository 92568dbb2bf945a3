//! The auditor bundle: the built site as a reproducible zip with a manifest and `SHA256SUMS`,
//! and the check that an archive is still what was built.
//!
//! Entries are sorted and carry one fixed timestamp (the build's as-of date), so the same
//! input gives a byte-identical archive. `SHA256SUMS` is in the format `sha256sum -c` reads.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context as _};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::render::{Contents, OutputFile};

pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";

/// Larger entries are refused by `verify`: no site file is a gigabyte, a zip bomb may be.
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// What the bundle says about itself.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub generator: String,
    pub catalog_edition: String,
    pub build_date: String,
    pub git_commit: Option<String>,
    pub documents: usize,
    /// Path -> SHA-256 (hex) of every file of the site.
    pub files: BTreeMap<String, String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn bytes_of(file: &OutputFile) -> anyhow::Result<Vec<u8>> {
    match &file.contents {
        Contents::Bytes(b) => Ok(b.to_vec()),
        Contents::Copy(p) => {
            std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
        }
    }
}

/// Everything needed to describe a build in the manifest, besides its files.
pub struct BuildInfo {
    pub catalog_edition: String,
    pub build_date: NaiveDate,
    pub git_commit: Option<String>,
    pub documents: usize,
}

/// Writes the site `files` as a zip at `out` (via a temporary file beside it, then renamed).
pub fn write(files: &[OutputFile], info: BuildInfo, out: &Path) -> anyhow::Result<usize> {
    if out.is_dir() {
        bail!(
            "{} is a folder; give the bundle a file name ending in .zip",
            out.display()
        );
    }
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for f in files {
        entries.insert(f.path.clone(), bytes_of(f)?);
    }
    let manifest = Manifest {
        generator: format!("policybook {}", env!("CARGO_PKG_VERSION")),
        catalog_edition: info.catalog_edition,
        build_date: info.build_date.to_string(),
        git_commit: info.git_commit,
        documents: info.documents,
        files: entries
            .iter()
            .map(|(p, b)| (p.clone(), sha256_hex(b)))
            .collect(),
    };
    let mut manifest_json = serde_json::to_vec_pretty(&manifest)?;
    manifest_json.push(b'\n');
    entries.insert(MANIFEST.into(), manifest_json);
    let sums: String = entries
        .iter()
        .map(|(p, b)| format!("{}  {p}\n", sha256_hex(b)))
        .collect();
    entries.insert(SUMS.into(), sums.into_bytes());

    let d = info.build_date;
    let stamp = zip::DateTime::from_date_and_time(
        d.year().clamp(1980, 2107) as u16,
        d.month() as u8,
        d.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let mut zip = zip::ZipWriter::new(tmp);
    for (path, bytes) in &entries {
        zip.start_file(path.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    let tmp = zip.finish()?;
    tmp.persist(out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(entries.len())
}

/// How an archive differs from its manifest.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verification {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub altered: Vec<String>,
    pub manifest: Option<Manifest>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.altered.is_empty()
    }
}

/// Checks every file of the archive at `path` against its manifest and `SHA256SUMS`.
pub fn verify(path: &Path) -> anyhow::Result<Verification> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut zip = zip::ZipArchive::new(file)
        .with_context(|| format!("{} is not a zip archive", path.display()))?;
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            bail!("{name} in the archive is larger than 1 GiB; this is not a policybook bundle");
        }
        entries.insert(name, bytes);
    }
    let manifest: Manifest = match entries.get(MANIFEST) {
        Some(bytes) => serde_json::from_slice(bytes)
            .with_context(|| format!("{MANIFEST} in the archive is not valid"))?,
        None => bail!("the archive has no {MANIFEST}: it is not a policybook bundle"),
    };
    let mut v = Verification::default();
    for (name, bytes) in &entries {
        if name == MANIFEST || name == SUMS {
            continue;
        }
        match manifest.files.get(name) {
            None => v.added.push(name.clone()),
            Some(hash) if *hash != sha256_hex(bytes) => v.altered.push(name.clone()),
            Some(_) => {}
        }
    }
    for name in manifest.files.keys() {
        if !entries.contains_key(name) {
            v.removed.push(name.clone());
        }
    }
    // SHA256SUMS must agree with the files too (it also covers the manifest itself).
    match entries.get(SUMS) {
        None => v.removed.push(SUMS.into()),
        Some(sums) => {
            for line in String::from_utf8_lossy(sums).lines() {
                let Some((hash, name)) = line.split_once("  ") else {
                    continue;
                };
                let actual = entries.get(name).map(|b| sha256_hex(b));
                if actual.as_deref() != Some(hash)
                    && !v.altered.iter().any(|a| a == name)
                    && entries.contains_key(name)
                {
                    v.altered.push(name.to_string());
                }
            }
        }
    }
    v.altered.sort();
    v.manifest = Some(manifest);
    Ok(v)
}

/// The commit checked out in the git repository containing `dir`, read from `.git` directly.
pub fn git_commit(dir: &Path) -> Option<String> {
    let start = dir.canonicalize().ok()?;
    let git = start
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|g| g.is_dir())?;
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return Some(head.to_string()).filter(|h| h.len() >= 40);
    };
    if let Ok(sha) = std::fs::read_to_string(git.join(reference)) {
        return Some(sha.trim().to_string());
    }
    let packed = std::fs::read_to_string(git.join("packed-refs")).ok()?;
    packed
        .lines()
        .find_map(|l| l.strip_suffix(reference).map(|sha| sha.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> BuildInfo {
        BuildInfo {
            catalog_edition: "ISO/IEC 27001:2022".into(),
            build_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            git_commit: None,
            documents: 1,
        }
    }

    fn files() -> Vec<OutputFile> {
        vec![
            OutputFile {
                path: "index.html".into(),
                contents: Contents::Bytes(b"<p>hi</p>".as_slice().into()),
            },
            OutputFile {
                path: "docs/a.html".into(),
                contents: Contents::Bytes(b"a".as_slice().into()),
            },
        ]
    }

    #[test]
    fn bundles_are_reproducible_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.zip"), dir.path().join("b.zip"));
        write(&files(), info(), &a).unwrap();
        write(&files(), info(), &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let v = verify(&a).unwrap();
        assert!(v.is_intact(), "{v:?}");
        assert_eq!(v.manifest.unwrap().files.len(), 2);
    }
}
