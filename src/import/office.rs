//! Word and OpenDocument files become Markdown through pandoc, run outside the source so that
//! nothing is ever written beside it; pandoc is needed only when such a file is imported.

use std::path::Path;

use crate::paths::slash;

/// A Word or OpenDocument file converted to Markdown.
#[derive(Debug)]
pub(super) struct Converted {
    /// GitHub-flavoured Markdown, with the file's metadata (title, author...) as YAML front
    /// matter.
    pub(super) text: String,
    /// The images it holds, by path relative to the document's folder.
    pub(super) media: Vec<(String, Vec<u8>)>,
    /// The report's line.
    pub(super) note: String,
}

/// Converts a Word or OpenDocument file with pandoc, extracting its images into a private
/// temporary folder (never beside the source) under `media_dir`, the folder name the links use.
pub(super) fn pandoc(path: &Path, media_dir: &str) -> Result<Converted, String> {
    let abs = path
        .canonicalize()
        .map_err(|e| format!("unreadable ({e})"))?;
    let tmp = tempfile::tempdir()
        .map_err(|e| format!("no temporary folder for pandoc's images ({e})"))?;
    let out = std::process::Command::new("pandoc")
        .args(["-t", "gfm+yaml_metadata_block", "-s", "--wrap=preserve"])
        .arg(format!("--extract-media={media_dir}"))
        .arg(&abs)
        .current_dir(tmp.path())
        .stdin(std::process::Stdio::null())
        .output();
    let text = match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(
            "needs pandoc to convert Word and OpenDocument files: install the Debian package `pandoc` (apt-get install pandoc) and import again".into(),
        ),
        Err(e) => return Err(format!("pandoc could not be run ({e})")),
        Ok(o) if !o.status.success() => return Err(format!(
            "pandoc could not convert it: {}",
            String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").trim()
        )),
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
    };
    let text = markdown_images(&text, media_dir);
    let mut media = Vec::new();
    let root = tmp.path().join(media_dir);
    if root.is_dir() {
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("pandoc's images cannot be read ({e})"))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = slash(
                entry
                    .path()
                    .strip_prefix(tmp.path())
                    .unwrap_or(entry.path()),
            );
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("pandoc's image {rel} cannot be read ({e})"))?;
            media.push((rel, bytes));
        }
    }
    let kind = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("odt"))
    {
        "an OpenDocument text"
    } else {
        "a Word document"
    };
    let images = match media.len() {
        0 => String::new(),
        1 => format!("; 1 image extracted into `{media_dir}/`"),
        n => format!("; {n} images extracted into `{media_dir}/`"),
    };
    Ok(Converted {
        text,
        media,
        note: format!("from {kind} with `pandoc -t gfm`{images}"),
    })
}

/// pandoc writes an image with a size as an HTML `<img>`, which policybook shows as text:
/// those pointing into `media_dir/` become Markdown images (the size is dropped).
fn markdown_images(text: &str, media_dir: &str) -> String {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[at..].find('"')? + at;
        Some(
            tag[at..end]
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<img ") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        match attr(tag, "src").filter(|s| s.starts_with(&format!("{media_dir}/"))) {
            Some(src) if !src.contains([' ', '(', ')', '<', '>']) => {
                let alt: String = attr(tag, "alt")
                    .unwrap_or_default()
                    .chars()
                    .map(|c| {
                        if matches!(c, '[' | ']' | '\n') {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                out.push_str(&format!("![{alt}]({src})"));
            }
            _ => out.push_str(tag),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandoc_images_become_markdown() {
        assert_eq!(
            markdown_images(
                "a <img src=\"p-media/media/i.png\" style=\"width:1in\" alt=\"A &amp; [b]\" /> <img src=\"x.png\" />",
                "p-media"
            ),
            "a ![A &  b ](p-media/media/i.png) <img src=\"x.png\" />"
        );
    }
}
