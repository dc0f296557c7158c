//! Laying out printable documents (PDF, `sinergi_core::pdf`): text from the top of an
//! A4 page down, wrapped to the margins, with a footer and a page number on every page.
//! A patrol's report and a letter are written with it.

use sinergi_core::pdf::{wrap, Document, Font, Page, PAGE_HEIGHT, PAGE_WIDTH};

/// The page margin, in points.
pub(crate) const MARGIN: f64 = 50.0;

/// Lays text out from the top of the page down, starting a new page when one is full.
pub(crate) struct Writer {
    pub doc: Document,
    pub page: Page,
    pub y: f64,
    pub footer: String,
    /// Where text starts below a page's top edge (the margin, or more for a header).
    pub top: f64,
}

impl Writer {
    pub(crate) fn new(title: &str, footer: String) -> Writer {
        Writer {
            doc: Document::new(title),
            page: Page::default(),
            y: PAGE_HEIGHT - MARGIN,
            footer,
            top: MARGIN,
        }
    }

    /// Starts text `top` points below the page's top edge, on this page and the next.
    pub(crate) fn with_top(mut self, top: f64) -> Writer {
        self.top = top;
        self.y = PAGE_HEIGHT - top;
        self
    }

    pub(crate) fn break_page(&mut self) {
        let n = self.doc.pages.len() + 1;
        let mut page = std::mem::take(&mut self.page);
        page.text(
            MARGIN,
            28.0,
            8.0,
            Font::Regular,
            &format!("{} · {n}", self.footer),
        );
        self.doc.pages.push(page);
        self.y = PAGE_HEIGHT - self.top;
    }

    pub(crate) fn room(&mut self, height: f64) {
        if self.y - height < MARGIN {
            self.break_page();
        }
    }

    pub(crate) fn text(&mut self, size: f64, font: Font, text: &str) {
        for line in wrap(text, size, PAGE_WIDTH - 2.0 * MARGIN) {
            self.room(size * 1.4);
            self.y -= size * 1.4;
            self.page.text(MARGIN, self.y, size, font, &line);
        }
    }

    pub(crate) fn gap(&mut self, h: f64) {
        self.y -= h;
    }

    /// A row of cells at fixed x positions (fractions of the text width).
    pub(crate) fn row(&mut self, size: f64, font: Font, cols: &[f64], cells: &[String]) {
        self.room(size * 1.5);
        self.y -= size * 1.5;
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        for (i, (c, text)) in cols.iter().zip(cells).enumerate() {
            let next = cols.get(i + 1).copied().unwrap_or(1.0);
            let room = (next - c) * width - 4.0;
            let line = wrap(text, size, room)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.page
                .text(MARGIN + c * width, self.y, size, font, &line);
        }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.finish_with(|_, _, _| {})
    }

    /// The PDF, with `each(page, number, count)` drawn on every page first (a header).
    pub(crate) fn finish_with(mut self, each: impl Fn(&mut Page, usize, usize)) -> Vec<u8> {
        self.break_page();
        let count = self.doc.pages.len();
        for (i, p) in self.doc.pages.iter_mut().enumerate() {
            each(p, i + 1, count);
        }
        self.doc.finish()
    }

    /// A line to write an answer on, `width` points long from the left margin.
    pub(crate) fn answer_line(&mut self, indent: f64, width: f64) {
        self.room(22.0);
        self.y -= 22.0;
        let x = MARGIN + indent;
        self.page.line(
            &[(x, self.y), ((x + width).min(PAGE_WIDTH - MARGIN), self.y)],
            0.5,
            sinergi_core::pdf::Rgb(0.4, 0.4, 0.4),
        );
    }
}
