//! A form version's media files (ADR 40): the pictures, sounds and videos its labels show
//! (`jr://images/NAME`, `jr://audio/NAME`, `jr://video/NAME` in the XForm, from the
//! XLSForm's media columns). The XForm names them; the files are uploaded to the version
//! afterwards, each under a name its XForm names and of the kind it names, and ODK
//! Collect fetches them through the version's manifest.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::FormId;
use crate::ids::UserId;

/// What a media file is, as the XForm names it and as its bytes show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Audio,
    Video,
}

impl MediaKind {
    /// The word a message names the kind by: `picture`, `sound`, `video`.
    pub fn noun(self) -> &'static str {
        match self {
            MediaKind::Image => "picture",
            MediaKind::Audio => "sound",
            MediaKind::Video => "video",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

/// A file an XForm refers to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MediaRef {
    pub name: String,
    pub kind: MediaKind,
}

/// A media file uploaded to a version of a form; its bytes are stored by SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormMedia {
    pub form_id: FormId,
    /// The version's number.
    pub number: i32,
    pub name: String,
    pub sha256: String,
    /// The MD5 of the bytes, hex: the hash ODK Collect compares (`md5:…` in the manifest).
    pub md5: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

/// The media files an XForm refers to, by name, each once (with the kind of its first
/// reference). Read from the `jr://images/`, `jr://audio/` and `jr://video/` values of
/// its itext, which is where the converter writes them.
pub fn references(xml: &str) -> Vec<MediaRef> {
    let mut out: Vec<MediaRef> = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(">jr://") {
        rest = &rest[at + 6..];
        let (kind, after) = if let Some(r) = rest.strip_prefix("images/") {
            (MediaKind::Image, r)
        } else if let Some(r) = rest.strip_prefix("audio/") {
            (MediaKind::Audio, r)
        } else if let Some(r) = rest.strip_prefix("video/") {
            (MediaKind::Video, r)
        } else {
            continue;
        };
        let Some(end) = after.find('<') else { break };
        let name = quick_xml::escape::unescape(&after[..end])
            .map(|n| n.trim().to_string())
            .unwrap_or_default();
        if !name.is_empty() && !out.iter().any(|m| m.name == name) {
            out.push(MediaRef { name, kind });
        }
        rest = &after[end..];
    }
    out.sort();
    out
}

/// The content type and kind of a media file by its first bytes: JPEG, PNG, GIF and
/// WebP pictures; MP3, Ogg, WAV, FLAC, AMR and M4A sound; MP4, 3GP and WebM video.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, MediaKind)> {
    let b = bytes;
    let starts = |p: &[u8]| b.starts_with(p);
    let riff = |form: &[u8]| b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == form;
    Some(if starts(&[0xFF, 0xD8, 0xFF]) {
        ("image/jpeg", MediaKind::Image)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        ("image/png", MediaKind::Image)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        ("image/gif", MediaKind::Image)
    } else if riff(b"WEBP") {
        ("image/webp", MediaKind::Image)
    } else if riff(b"WAVE") {
        ("audio/wav", MediaKind::Audio)
    } else if starts(b"ID3") || (b.len() >= 2 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0) {
        ("audio/mpeg", MediaKind::Audio)
    } else if starts(b"OggS") {
        ("audio/ogg", MediaKind::Audio)
    } else if starts(b"fLaC") {
        ("audio/flac", MediaKind::Audio)
    } else if starts(b"#!AMR") {
        ("audio/amr", MediaKind::Audio)
    } else if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        ("video/webm", MediaKind::Video)
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" {
        match &b[8..12] {
            b"M4A " | b"M4B " => ("audio/mp4", MediaKind::Audio),
            brand if brand.starts_with(b"3g") => ("video/3gpp", MediaKind::Video),
            _ => ("video/mp4", MediaKind::Video),
        }
    } else {
        return None;
    })
}

/// The kind of a stored file by its content type.
pub fn kind_of_content_type(content_type: &str) -> Option<MediaKind> {
    match content_type.split('/').next() {
        Some("image") => Some(MediaKind::Image),
        Some("audio") => Some(MediaKind::Audio),
        Some("video") => Some(MediaKind::Video),
        _ => None,
    }
}

/// Whether a file of `got` kind (and content type) may stand where the XForm names a
/// file of `wanted` kind. An MP4 container may hold sound only, so it serves as audio too.
pub fn fits(wanted: MediaKind, got: MediaKind, content_type: &str) -> bool {
    wanted == got || (wanted == MediaKind::Audio && content_type == "video/mp4")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_from_the_itext_values_once_each_by_name() {
        let xml = "<itext><translation lang=\"default\"><text id=\"a\"><value>A</value>\
            <value form=\"image\">jr://images/b.png</value>\
            <value form=\"big-image\">jr://images/b.png</value>\
            <value form=\"audio\">jr://audio/suara gajah.mp3</value></text>\
            <text id=\"c\"><value form=\"video\">jr://video/v&amp;w.mp4</value>\
            <value form=\"image\">jr://images/a.jpg</value></text></translation></itext>";
        let r = references(xml);
        let names: Vec<_> = r.iter().map(|m| (m.name.as_str(), m.kind)).collect();
        assert_eq!(
            names,
            vec![
                ("a.jpg", MediaKind::Image),
                ("b.png", MediaKind::Image),
                ("suara gajah.mp3", MediaKind::Audio),
                ("v&w.mp4", MediaKind::Video),
            ]
        );
        assert!(references("<h:html><value>jr://other/x</value></h:html>").is_empty());
    }

    #[test]
    fn files_are_told_apart_by_their_bytes() {
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(("image/png", MediaKind::Image))
        );
        assert_eq!(
            sniff(b"ID3\x04\0\0"),
            Some(("audio/mpeg", MediaKind::Audio))
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypM4A \0\0"),
            Some(("audio/mp4", MediaKind::Audio))
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom\0\0"),
            Some(("video/mp4", MediaKind::Video))
        );
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert!(fits(MediaKind::Audio, MediaKind::Video, "video/mp4"));
        assert!(!fits(MediaKind::Image, MediaKind::Audio, "audio/mpeg"));
    }
}
