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

use crate::site::{Contents, OutputFile};

pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const SUMS: &str = "SHA256SUMS";

/// Limits of `verify`, which reads archives that anybody may have crafted: no site file is a
/// gigabyte and no site holds 8 GiB or a million files; a zip bomb may.
const MAX_ENTRY_BYTES: u64 = 1 << 30;
const MAX_TOTAL_BYTES: u64 = 8 << 30;
const MAX_ENTRIES: usize = 1_000_000;
/// `manifest.json` and `SHA256SUMS` are read whole; a site of 100,000 files needs a few MB.
const MAX_LISTING_BYTES: u64 = 256 << 20;

/// What the bundle says about itself.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Manifest {
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
pub(crate) struct BuildInfo {
    pub catalog_edition: String,
    pub build_date: NaiveDate,
    pub git_commit: Option<String>,
    pub documents: usize,
}

/// Writes the site `files` as a zip at `out` (via a temporary file beside it, then renamed).
pub(crate) fn write(files: &[OutputFile], info: BuildInfo, out: &Path) -> anyhow::Result<usize> {
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
    let mut builder = tempfile::Builder::new();
    // Like any file the user creates (0666 less the umask), so that colleagues can read it
    // where the user's files are readable; a temporary file would be 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder
        .prefix(".policybook-bundle")
        .tempfile_in(parent)
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
pub(crate) struct Verification {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub altered: Vec<String>,
    pub manifest: Option<Manifest>,
}

impl Verification {
    pub(crate) fn is_intact(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.altered.is_empty()
    }
}

/// The entry `name` of the archive at `path` (at most [`MAX_LISTING_BYTES`]), `None` when it
/// has none. For an archive [`verify`] found intact.
pub(crate) fn entry(path: &Path, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a zip archive", path.display()))?;
    let Ok(entry) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    entry.take(MAX_LISTING_BYTES).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Checks every file of the archive at `path` against its manifest and `SHA256SUMS`.
///
/// The archive may have been crafted: entries are hashed as they are read, never kept (but
/// the two listings) nor written anywhere, and an archive outside `MAX_ENTRY_BYTES`,
/// `MAX_TOTAL_BYTES` or `MAX_ENTRIES`, with an entry whose name leaves its folder, a
/// link, two entries of one name, or an entry larger than its header says is refused.
pub(crate) fn verify(path: &Path) -> anyhow::Result<Verification> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).with_context(|| {
        format!(
            "{} is not a zip archive (or it is cut short)",
            path.display()
        )
    })?;
    // The reader keeps one entry per name: entries it dropped show in the directory's count.
    let listed = listed_entries(path).unwrap_or(zip.len() as u64);
    if listed != zip.len() as u64 {
        bail!(
            "the archive lists {listed} entries under {} names: it holds two entries of one name; this is not a policybook bundle",
            zip.len()
        );
    }
    if zip.len() > MAX_ENTRIES {
        bail!(
            "the archive holds {} entries (more than {MAX_ENTRIES}); this is not a policybook bundle",
            zip.len()
        );
    }
    let not_ours = "this is not a policybook bundle";
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let mut listings: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .with_context(|| format!("entry {} of the archive cannot be read", i + 1))?;
        let name = entry.name().to_string();
        let shown: String = name
            .chars()
            .take(120)
            .collect::<String>()
            .escape_debug()
            .to_string();
        let unsafe_name = entry.enclosed_name().is_none()
            || name.contains('\\')
            || name.starts_with('/')
            || name.chars().any(char::is_control)
            || name.split('/').any(|part| part == "..");
        if unsafe_name {
            bail!("the entry `{shown}` has a name that leaves the archive's folder; {not_ours}");
        }
        if entry.is_symlink() {
            bail!("the entry `{shown}` is a symbolic link; {not_ours}");
        }
        if entry.is_dir() {
            continue;
        }
        let declared = entry.size();
        let limit = if name == MANIFEST || name == SUMS {
            MAX_LISTING_BYTES
        } else {
            MAX_ENTRY_BYTES
        };
        if declared > limit {
            bail!(
                "`{shown}` in the archive says it holds {declared} bytes, more than {limit}; {not_ours}"
            );
        }
        total += declared;
        if total > MAX_TOTAL_BYTES {
            bail!("the archive's files add up to more than {MAX_TOTAL_BYTES} bytes; {not_ours}");
        }
        if hashes.contains_key(&name) || listings.keys().any(|k| *k == name) {
            bail!("the archive holds two entries named `{shown}`; {not_ours}");
        }
        // Never more than the header says (plus one byte, to notice a lie).
        let mut reader = entry.take(declared + 1);
        let (read, hash) = if name == MANIFEST || name == SUMS {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .with_context(|| format!("`{shown}` in the archive cannot be read"))?;
            let hash = sha256_hex(&bytes);
            let read = bytes.len() as u64;
            listings.insert(if name == MANIFEST { MANIFEST } else { SUMS }, bytes);
            (read, hash)
        } else {
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 64 * 1024];
            let mut read = 0u64;
            loop {
                let n = reader
                    .read(&mut buf)
                    .with_context(|| format!("`{shown}` in the archive cannot be read"))?;
                if n == 0 {
                    break;
                }
                read += n as u64;
                hasher.update(&buf[..n]);
            }
            let hash = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (read, hash)
        };
        if read != declared {
            bail!(
                "`{shown}` in the archive holds {} bytes where its header says {declared}; {not_ours}",
                if read > declared { "more".to_string() } else { read.to_string() }
            );
        }
        hashes.insert(name, hash);
    }
    let manifest: Manifest = match listings.get(MANIFEST) {
        Some(bytes) => serde_json::from_slice(bytes)
            .with_context(|| format!("{MANIFEST} in the archive is not valid"))?,
        None => bail!("the archive has no {MANIFEST}: it is not a policybook bundle"),
    };
    let mut v = Verification::default();
    for (name, hash) in &hashes {
        if name == MANIFEST || name == SUMS {
            continue;
        }
        match manifest.files.get(name) {
            None => v.added.push(name.clone()),
            Some(expected) if expected != hash => v.altered.push(name.clone()),
            Some(_) => {}
        }
    }
    for name in manifest.files.keys() {
        if !hashes.contains_key(name) {
            v.removed.push(name.clone());
        }
    }
    // SHA256SUMS must agree with the files too (it also covers the manifest itself).
    match listings.get(SUMS) {
        None => v.removed.push(SUMS.into()),
        Some(sums) => {
            for line in String::from_utf8_lossy(sums).lines() {
                let Some((hash, name)) = line.split_once("  ") else {
                    continue;
                };
                if hashes.get(name).is_some_and(|actual| actual != hash)
                    && !v.altered.iter().any(|a| a == name)
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

/// How many entries the archive's central directory says it holds (its end record, or the
/// ZIP64 one when the count does not fit), read from the file's last 64 KiB.
fn listed_entries(path: &Path) -> Option<u64> {
    use std::io::Seek;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let tail_len = len.min(65_557 + 20);
    file.seek(std::io::SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail).ok()?;
    let end = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let count = u16::from_le_bytes(tail.get(end + 10..end + 12)?.try_into().ok()?);
    if count != u16::MAX {
        return Some(count.into());
    }
    // ZIP64: a locator just before the end record gives where the ZIP64 end record is.
    let locator = end.checked_sub(20)?;
    if tail.get(locator..locator + 4)? != b"PK\x06\x07" {
        return None;
    }
    let at = u64::from_le_bytes(tail.get(locator + 8..locator + 16)?.try_into().ok()?);
    file.seek(std::io::SeekFrom::Start(at)).ok()?;
    let mut record = [0u8; 40];
    file.read_exact(&mut record).ok()?;
    (&record[..4] == b"PK\x06\x06")
        .then(|| u64::from_le_bytes(record[32..40].try_into().unwrap_or_default()))
}

/// The commit checked out in the git repository containing `dir`, read from `.git` directly.
pub(crate) fn git_commit(dir: &Path) -> Option<String> {
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
