//! Region codes: the Kemendagri administrative codes (province, regency, district,
//! village) that reports, agencies and filters carry. Only their shape is checked here; the
//! region names and boundaries live in the `sinergi-regions` crate.

/// True when `s` has the shape of a Kemendagri code: `PP`, `PP.KK`, `PP.KK.CC` or
/// `PP.KK.CC.DDDD`, digits only.
pub fn is_region_code_shape(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    let widths = [2, 2, 2, 4];
    !parts.is_empty()
        && parts.len() <= 4
        && parts
            .iter()
            .zip(widths)
            .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_code_shapes() {
        for ok in ["15", "15.01", "15.01.02", "31.73.07.1006"] {
            assert!(is_region_code_shape(ok), "{ok}");
        }
        for bad in [
            "",
            "1",
            "15.1",
            "15.01.02.100",
            "aa",
            "15.01.02.1006.1",
            "15..01",
        ] {
            assert!(!is_region_code_shape(bad), "{bad}");
        }
    }
}
