//! A small PDF 1.4 writer for Sinergi's printable documents (a patrol report, later
//! letters): A4 pages of text in the standard Helvetica fonts and of lines and filled
//! rectangles, nothing else. No font is embedded: Helvetica and Helvetica-Bold are two of
//! the fourteen fonts every PDF reader has, and their WinAnsi encoding holds every letter
//! Bahasa Indonesia and English use. A character outside it is written as `?`.
//!
//! Coordinates are PDF points (1/72 inch) from the bottom-left corner of the page.
//! Text is measured with Helvetica's published widths (for wrapping), so no reader is
//! needed to lay a page out.

use std::fmt::Write as _;

/// A4, in points.
pub const PAGE_WIDTH: f64 = 595.28;
pub const PAGE_HEIGHT: f64 = 841.89;

/// Helvetica's advance widths for WinAnsi 32..=126, in 1/1000 em.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The WinAnsi byte of a character, or `?`.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        _ => b'?',
    }
}

/// The width of `text` in Helvetica at `size` points (bytes above 126 counted as an
/// average letter).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            let b = win_ansi(c);
            if (32..=126).contains(&b) {
                f64::from(WIDTHS[usize::from(b - 32)])
            } else {
                556.0
            }
        })
        .sum::<f64>()
        * size
        / 1000.0
}

/// `text` broken into lines no wider than `width` at `size`, at spaces (a word longer
/// than a line is cut).
pub fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
            while text_width(&line, size) > width && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    if text_width(&format!("{head}{c}"), size) > width && !head.is_empty() {
                        break;
                    }
                    head.push(c);
                }
                let rest: String = line.chars().skip(head.chars().count()).collect();
                lines.push(head);
                line = rest;
            }
        }
        lines.push(line);
    }
    lines
}

/// Bold or regular text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

/// An RGB colour, each part 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f64, pub f64, pub f64);

/// One page being drawn: its content stream.
#[derive(Debug, Default, Clone)]
pub struct Page {
    content: String,
}

fn escape(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

impl Page {
    /// Text with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, x: f64, y: f64, size: f64, font: Font, text: &str) {
        let f = match font {
            Font::Regular => "F1",
            Font::Bold => "F2",
        };
        // Text is black, whatever a rectangle filled before it.
        let _ = write!(self.content, "0 g BT /{f} {size:.2} Tf {x:.2} {y:.2} Td (");
        // The escaped bytes are WinAnsi, not UTF-8: they are kept as Latin-1 chars here
        // and written back byte for byte by `Document::finish`.
        for b in escape(text) {
            self.content.push(char::from(b));
        }
        self.content.push_str(") Tj ET\n");
    }

    /// A polyline through `points`, `width` points wide.
    pub fn line(&mut self, points: &[(f64, f64)], width: f64, colour: Rgb) {
        let Some(((x0, y0), rest)) = points.split_first() else {
            return;
        };
        let Rgb(r, g, b) = colour;
        let _ = write!(
            self.content,
            "{r:.3} {g:.3} {b:.3} RG {width:.2} w 1 J 1 j {x0:.2} {y0:.2} m"
        );
        for (x, y) in rest {
            let _ = write!(self.content, " {x:.2} {y:.2} l");
        }
        self.content.push_str(" S\n");
    }

    /// A rectangle from (`x`, `y`), filled, or only outlined when `fill` is `None`.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Option<Rgb>, stroke: Option<Rgb>) {
        let op = match (fill, stroke) {
            (Some(Rgb(r, g, b)), Some(Rgb(sr, sg, sb))) => {
                let _ = write!(
                    self.content,
                    "{r:.3} {g:.3} {b:.3} rg {sr:.3} {sg:.3} {sb:.3} RG 0.5 w "
                );
                "B"
            }
            (Some(Rgb(r, g, b)), None) => {
                let _ = write!(self.content, "{r:.3} {g:.3} {b:.3} rg ");
                "f"
            }
            (None, Some(Rgb(r, g, b))) => {
                let _ = write!(self.content, "{r:.3} {g:.3} {b:.3} RG 0.5 w ");
                "S"
            }
            (None, None) => return,
        };
        let _ = writeln!(self.content, "{x:.2} {y:.2} {w:.2} {h:.2} re {op}");
    }
}

/// A document of pages, with a title for its properties.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub pages: Vec<Page>,
}

impl Document {
    pub fn new(title: &str) -> Document {
        Document {
            title: title.to_string(),
            pages: Vec::new(),
        }
    }

    /// The PDF file.
    pub fn finish(&self) -> Vec<u8> {
        let pages = if self.pages.is_empty() {
            vec![Page::default()]
        } else {
            self.pages.clone()
        };
        // Objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, then per page its page
        // object and its content stream.
        let mut objects: Vec<Vec<u8>> = Vec::new();
        let kids: Vec<String> = (0..pages.len())
            .map(|i| format!("{} 0 R", 6 + 2 * i))
            .collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects.push(
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                pages.len()
            )
            .into_bytes(),
        );
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        );
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        );
        let mut info = b"<< /Producer (Sinergi) /Title (".to_vec();
        info.extend(escape(&self.title));
        info.extend_from_slice(b") >>");
        objects.push(info);
        for (i, p) in pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                     /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                    7 + 2 * i
                )
                .into_bytes(),
            );
            let stream: Vec<u8> = p.content.chars().map(|c| c as u32 as u8).collect();
            let mut obj = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
            obj.extend(stream);
            obj.extend_from_slice(b"\nendstream");
            objects.push(obj);
        }
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::with_capacity(objects.len());
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
            out.extend(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
        for off in offsets {
            out.extend(format!("{off:010} 00000 n \n").into_bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .into_bytes(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let mut d = Document::new("Laporan (uji)");
        for n in 0..3 {
            let mut p = Page::default();
            p.text(
                50.0,
                800.0,
                12.0,
                Font::Bold,
                &format!("Halaman {n} – ±2 km² (a\\b)"),
            );
            p.line(
                &[(50.0, 50.0), (100.0, 80.0), (150.0, 60.0)],
                1.5,
                Rgb(0.2, 0.5, 0.2),
            );
            p.rect(40.0, 40.0, 200.0, 100.0, None, Some(Rgb(0.0, 0.0, 0.0)));
            d.pages.push(p);
        }
        let pdf = d.finish();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        let text = String::from_utf8_lossy(&pdf).to_string();
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|t| t.parse().ok())
            .expect("startxref");
        assert!(pdf[start..].starts_with(b"xref\n0 12\n"));
        let table = std::str::from_utf8(&pdf[start..]).expect("the table is ASCII");
        for (i, line) in table.lines().skip(3).take(11).enumerate() {
            let off: usize = line[..10].parse().expect("offset");
            let head = format!("{} 0 obj\n", i + 1);
            assert!(pdf[off..].starts_with(head.as_bytes()), "object {}", i + 1);
        }
        // Each stream's length is its bytes.
        assert!(text.contains("/Count 3"));
        // WinAnsi: the en dash and superscript two are single bytes; parentheses and
        // backslashes escaped.
        assert!(pdf.windows(2).any(|w| w == [0x96, b' ']));
        assert!(pdf.windows(1).any(|w| w == [0xb2]));
        assert!(text.contains("\\(a\\\\b\\)"));
    }

    #[test]
    fn wrapping_keeps_lines_inside_the_width() {
        let text = "Patroli gabungan pengamanan hutan lereng selatan Gunung Kerinci bersama Polres Kerinci";
        let lines = wrap(text, 10.0, 150.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, 10.0) <= 150.0));
        assert_eq!(lines.join(" "), text);
        let long = wrap(&"x".repeat(200), 10.0, 100.0);
        assert!(long.iter().all(|l| text_width(l, 10.0) <= 100.0));
        assert_eq!(long.concat().len(), 200);
        assert_eq!(text_width("Hi", 10.0), (722.0 + 222.0) / 100.0);
    }
}
