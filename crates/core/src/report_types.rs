//! The catalogue of report types (jenis laporan) and the validation of a report's typed
//! attributes against its type. The built-in catalogue covers the five situations Sinergi
//! was built for: forest and wildlife crime, fire, human–wildlife conflict, trafficking,
//! narcotics, outreach and patrols.

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Message, ValidationErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Integer,
    Decimal,
    Boolean,
    Date,
    Datetime,
    Select,
    Multiselect,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label_id: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub key: String,
    pub label_id: String,
    pub label_en: String,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// Personal data (names of suspects, victims, informants). Later sharing rules may
    /// withhold these; the flag is recorded from the start.
    pub personal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportType {
    pub key: String,
    pub label_id: String,
    pub label_en: String,
    pub category: String,
    /// Exact locations of these reports help poachers; viewers without clearance will get
    /// coarsened locations once agreements arrive.
    pub location_sensitive: bool,
    pub fields: Vec<FieldDef>,
}

/// The longest text attribute accepted.
pub const MAX_TEXT: usize = 2_000;

impl ReportType {
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Checks a report's `attributes` object against this type. Unknown keys, missing
    /// required keys and values of the wrong kind are all reported, each naming its key.
    /// `null` counts as absent.
    pub fn validate_attributes(&self, v: &Value) -> Result<Map<String, Value>, ValidationErrors> {
        let empty = Map::new();
        let obj = match v {
            Value::Null => &empty,
            Value::Object(o) => o,
            _ => {
                return Err(ValidationErrors::single(
                    "",
                    crate::msg!("attributes-not-object", "attributes must be an object"),
                ))
            }
        };
        let mut errs = ValidationErrors::new();
        let mut out = Map::new();
        for (k, val) in obj {
            if self.field(k).is_none() {
                errs.push(
                    k.clone(),
                    crate::msg!(
                        "attribute-unknown",
                        "unknown attribute for type {key}",
                        key = &self.key
                    ),
                );
            } else if !val.is_null() {
                out.insert(k.clone(), val.clone());
            }
        }
        for f in &self.fields {
            match out.get(&f.key) {
                None if f.required => errs.push(
                    f.key.clone(),
                    crate::msg!("attribute-required", "this attribute is required"),
                ),
                None => {}
                Some(val) => {
                    if let Err(m) = check_value(f, val) {
                        errs.push(f.key.clone(), m);
                    }
                }
            }
        }
        errs.into_result(out)
    }
}

/// Every number a report type asks for is a count or an amount.
fn negative() -> Message {
    crate::msg!("attribute-negative", "must not be negative")
}

fn check_value(f: &FieldDef, v: &Value) -> Result<(), Message> {
    let allowed = || {
        f.options
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match f.kind {
        FieldKind::Text => match v.as_str() {
            Some(s) if s.chars().count() <= MAX_TEXT => Ok(()),
            Some(_) => Err(crate::msg!(
                "attribute-text-too-long",
                "text must be at most {max} characters",
                max = MAX_TEXT
            )),
            None => Err(crate::msg!("attribute-not-text", "must be text")),
        },
        // Every number a report type asks for is a count or an amount: never negative.
        FieldKind::Integer => match v.as_i64() {
            Some(n) if n >= 0 => Ok(()),
            Some(_) => Err(negative()),
            None if v.is_u64() => Ok(()),
            None => Err(crate::msg!(
                "attribute-not-integer",
                "must be a whole number"
            )),
        },
        FieldKind::Decimal => match v.as_f64() {
            Some(x) if x.is_finite() && x >= 0.0 => Ok(()),
            Some(x) if x.is_finite() => Err(negative()),
            _ => Err(crate::msg!("attribute-not-number", "must be a number")),
        },
        FieldKind::Boolean => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| crate::msg!("attribute-not-boolean", "must be true or false")),
        FieldKind::Date => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|_| ())
            .ok_or_else(|| crate::msg!("date-invalid", "must be a date YYYY-MM-DD")),
        FieldKind::Datetime => v
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|_| ())
            .ok_or_else(|| {
                crate::msg!(
                    "attribute-not-datetime",
                    "must be a date-time with offset (RFC 3339)"
                )
            }),
        FieldKind::Select => match v.as_str() {
            Some(s) if f.options.iter().any(|c| c.value == s) => Ok(()),
            _ => Err(crate::msg!(
                "attribute-choice-invalid",
                "must be one of: {choices}",
                choices = allowed()
            )),
        },
        FieldKind::Multiselect => {
            let arr = v
                .as_array()
                .ok_or_else(|| crate::msg!("attribute-not-list", "must be a list of choices"))?;
            let mut seen = std::collections::HashSet::new();
            for item in arr {
                match item.as_str() {
                    Some(s) if f.options.iter().any(|c| c.value == s) => {
                        if !seen.insert(s) {
                            return Err(crate::msg!(
                                "attribute-choice-repeated",
                                "choice {choice} is repeated",
                                choice = format!("{s:?}")
                            ));
                        }
                    }
                    _ => {
                        return Err(crate::msg!(
                            "attribute-choices-invalid",
                            "each choice must be one of: {choices}",
                            choices = allowed()
                        ))
                    }
                }
            }
            Ok(())
        }
    }
}

// ---- the built-in catalogue -------------------------------------------------------------

struct F(
    &'static str,
    &'static str,
    &'static str,
    FieldKind,
    bool,
    &'static [(&'static str, &'static str, &'static str)],
    bool,
);

fn build(
    key: &str,
    label_id: &str,
    label_en: &str,
    category: &str,
    location_sensitive: bool,
    fields: &[F],
) -> ReportType {
    ReportType {
        key: key.into(),
        label_id: label_id.into(),
        label_en: label_en.into(),
        category: category.into(),
        location_sensitive,
        fields: fields
            .iter()
            .map(|F(k, li, le, kind, req, opts, personal)| FieldDef {
                key: (*k).into(),
                label_id: (*li).into(),
                label_en: (*le).into(),
                kind: *kind,
                required: *req,
                options: opts
                    .iter()
                    .map(|(v, li, le)| Choice {
                        value: (*v).into(),
                        label_id: (*li).into(),
                        label_en: (*le).into(),
                    })
                    .collect(),
                personal: *personal,
            })
            .collect(),
    }
}

use FieldKind::*;

const SPECIES: &[(&str, &str, &str)] = &[
    ("harimau_sumatera", "Harimau sumatera", "Sumatran tiger"),
    ("gajah_sumatera", "Gajah sumatera", "Sumatran elephant"),
    ("badak_sumatera", "Badak sumatera", "Sumatran rhino"),
    ("trenggiling", "Trenggiling", "Pangolin"),
    ("beruang_madu", "Beruang madu", "Sun bear"),
    ("rusa", "Rusa", "Deer"),
    ("burung", "Burung", "Bird"),
    ("lainnya", "Lainnya", "Other"),
];
const SEVERITY: &[(&str, &str, &str)] = &[
    ("ringan", "Ringan", "Minor"),
    ("sedang", "Sedang", "Moderate"),
    ("berat", "Berat", "Severe"),
];

/// The report types every new Sinergi installation starts with.
pub fn builtin() -> Vec<ReportType> {
    vec![
        build(
            "illegal_logging",
            "Pembalakan liar",
            "Illegal logging",
            "forestry_crime",
            false,
            &[
                F(
                    "volume_m3",
                    "Volume kayu (m³)",
                    "Timber volume (m³)",
                    Decimal,
                    false,
                    &[],
                    false,
                ),
                F(
                    "wood_species",
                    "Jenis kayu",
                    "Timber species",
                    Text,
                    false,
                    &[],
                    false,
                ),
                F(
                    "evidence",
                    "Barang bukti",
                    "Evidence",
                    Multiselect,
                    false,
                    &[
                        ("chainsaw", "Gergaji mesin", "Chainsaw"),
                        ("truck", "Truk", "Truck"),
                        ("logs", "Kayu gelondongan", "Logs"),
                        ("sawn_timber", "Kayu olahan", "Sawn timber"),
                    ],
                    false,
                ),
                F(
                    "suspects_count",
                    "Jumlah terduga pelaku",
                    "Number of suspects",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "suspect_names",
                    "Nama terduga pelaku",
                    "Suspect names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "encroachment",
            "Perambahan kawasan",
            "Encroachment",
            "forestry_crime",
            false,
            &[
                F(
                    "area_ha",
                    "Luas (ha)",
                    "Area (ha)",
                    Decimal,
                    false,
                    &[],
                    false,
                ),
                F(
                    "land_use",
                    "Penggunaan lahan",
                    "Land use",
                    Select,
                    true,
                    &[
                        ("plantation", "Perkebunan", "Plantation"),
                        ("farming", "Ladang", "Farming"),
                        ("settlement", "Permukiman", "Settlement"),
                        ("mining", "Tambang", "Mining"),
                    ],
                    false,
                ),
                F(
                    "suspect_names",
                    "Nama terduga pelaku",
                    "Suspect names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "poaching",
            "Perburuan satwa",
            "Poaching",
            "wildlife_crime",
            true,
            &[
                F("species", "Satwa", "Species", Select, true, SPECIES, false),
                F(
                    "method",
                    "Cara",
                    "Method",
                    Select,
                    false,
                    &[
                        ("snare", "Jerat", "Snare"),
                        ("firearm", "Senjata api", "Firearm"),
                        ("poison", "Racun", "Poison"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F(
                    "carcass_found",
                    "Bangkai ditemukan",
                    "Carcass found",
                    Boolean,
                    false,
                    &[],
                    false,
                ),
                F(
                    "suspect_names",
                    "Nama terduga pelaku",
                    "Suspect names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "snare_found",
            "Temuan jerat",
            "Snare found",
            "wildlife_crime",
            true,
            &[
                F(
                    "snare_count",
                    "Jumlah jerat",
                    "Number of snares",
                    Integer,
                    true,
                    &[],
                    false,
                ),
                F(
                    "snare_type",
                    "Jenis jerat",
                    "Snare type",
                    Select,
                    false,
                    &[
                        ("wire", "Kawat", "Wire"),
                        ("rope", "Tali", "Rope"),
                        ("net", "Jaring", "Net"),
                    ],
                    false,
                ),
                F(
                    "target_species",
                    "Satwa sasaran",
                    "Target species",
                    Select,
                    false,
                    SPECIES,
                    false,
                ),
                F(
                    "removed",
                    "Jerat dimusnahkan",
                    "Snares removed",
                    Boolean,
                    false,
                    &[],
                    false,
                ),
            ],
        ),
        build(
            "wildlife_trade",
            "Perdagangan satwa liar",
            "Wildlife trade",
            "wildlife_crime",
            false,
            &[
                F("species", "Satwa", "Species", Select, true, SPECIES, false),
                F(
                    "item",
                    "Barang",
                    "Item",
                    Select,
                    false,
                    &[
                        ("live", "Satwa hidup", "Live animal"),
                        ("skin", "Kulit", "Skin"),
                        ("bone", "Tulang", "Bone"),
                        ("scale", "Sisik", "Scales"),
                        ("ivory", "Gading", "Ivory"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F("quantity", "Jumlah", "Quantity", Integer, false, &[], false),
                F(
                    "online",
                    "Dijual daring",
                    "Sold online",
                    Boolean,
                    false,
                    &[],
                    false,
                ),
                F(
                    "suspect_names",
                    "Nama terduga pelaku",
                    "Suspect names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "forest_fire",
            "Kebakaran hutan dan lahan",
            "Forest and land fire",
            "fire",
            false,
            &[
                F(
                    "area_ha",
                    "Luas terbakar (ha)",
                    "Burnt area (ha)",
                    Decimal,
                    false,
                    &[],
                    false,
                ),
                F(
                    "fire_status",
                    "Status api",
                    "Fire status",
                    Select,
                    true,
                    &[
                        ("active", "Aktif", "Active"),
                        ("controlled", "Terkendali", "Controlled"),
                        ("extinguished", "Padam", "Extinguished"),
                    ],
                    false,
                ),
                F(
                    "land_cover",
                    "Tutupan lahan",
                    "Land cover",
                    Select,
                    false,
                    &[
                        ("forest", "Hutan", "Forest"),
                        ("peat", "Gambut", "Peat"),
                        ("plantation", "Perkebunan", "Plantation"),
                        ("shrub", "Semak", "Shrub"),
                    ],
                    false,
                ),
            ],
        ),
        build(
            "hotspot",
            "Titik panas",
            "Fire hotspot",
            "fire",
            false,
            &[
                F(
                    "confidence",
                    "Tingkat keyakinan",
                    "Confidence",
                    Select,
                    false,
                    &[
                        ("low", "Rendah", "Low"),
                        ("nominal", "Sedang", "Nominal"),
                        ("high", "Tinggi", "High"),
                    ],
                    false,
                ),
                F(
                    "frp",
                    "Daya radiatif (MW)",
                    "Fire radiative power (MW)",
                    Decimal,
                    false,
                    &[],
                    false,
                ),
                F("satellite", "Satelit", "Satellite", Text, false, &[], false),
            ],
        ),
        build(
            "hwc_crop_raid",
            "Konflik satwa: perusakan tanaman",
            "Human–wildlife conflict: crop raid",
            "wildlife_conflict",
            false,
            &[
                F("species", "Satwa", "Species", Select, true, SPECIES, false),
                F(
                    "individuals",
                    "Jumlah individu",
                    "Number of animals",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F("crop", "Tanaman", "Crop", Text, false, &[], false),
                F(
                    "loss_idr",
                    "Perkiraan kerugian (Rp)",
                    "Estimated loss (IDR)",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "households",
                    "Rumah tangga terdampak",
                    "Households affected",
                    Integer,
                    false,
                    &[],
                    false,
                ),
            ],
        ),
        build(
            "hwc_damage",
            "Konflik satwa: kerusakan bangunan",
            "Human–wildlife conflict: damage",
            "wildlife_conflict",
            false,
            &[
                F("species", "Satwa", "Species", Select, true, SPECIES, false),
                F(
                    "damage",
                    "Kerusakan",
                    "Damage",
                    Multiselect,
                    true,
                    &[
                        ("house", "Rumah", "House"),
                        ("hut", "Pondok", "Hut"),
                        ("fence", "Pagar", "Fence"),
                        ("vehicle", "Kendaraan", "Vehicle"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F(
                    "severity", "Tingkat", "Severity", Select, false, SEVERITY, false,
                ),
                F(
                    "loss_idr",
                    "Perkiraan kerugian (Rp)",
                    "Estimated loss (IDR)",
                    Integer,
                    false,
                    &[],
                    false,
                ),
            ],
        ),
        build(
            "hwc_injury",
            "Konflik satwa: korban jiwa/luka",
            "Human–wildlife conflict: injury",
            "wildlife_conflict",
            false,
            &[
                F("species", "Satwa", "Species", Select, true, SPECIES, false),
                F(
                    "injured",
                    "Jumlah luka",
                    "People injured",
                    Integer,
                    true,
                    &[],
                    false,
                ),
                F(
                    "killed",
                    "Jumlah meninggal",
                    "People killed",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "victim_names",
                    "Nama korban",
                    "Victim names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "wildlife_sighting",
            "Perjumpaan satwa liar",
            "Wildlife sighting",
            "wildlife",
            true,
            &[
                F("species", "Satwa", "Species", Select, true, SPECIES, false),
                F(
                    "count",
                    "Jumlah individu",
                    "Number of animals",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "evidence",
                    "Jenis temuan",
                    "Evidence",
                    Select,
                    false,
                    &[
                        ("direct", "Langsung", "Direct sighting"),
                        ("track", "Jejak", "Tracks"),
                        ("dung", "Kotoran", "Dung"),
                        ("camera_trap", "Kamera jebak", "Camera trap"),
                        ("sound", "Suara", "Sound"),
                    ],
                    false,
                ),
            ],
        ),
        build(
            "trafficking_case",
            "Kasus perdagangan orang (TPPO)",
            "Human trafficking case",
            "trafficking",
            false,
            &[
                F(
                    "victims",
                    "Jumlah korban",
                    "Number of victims",
                    Integer,
                    true,
                    &[],
                    false,
                ),
                F(
                    "minors",
                    "Korban anak",
                    "Child victims",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "destination_country",
                    "Negara tujuan",
                    "Destination country",
                    Text,
                    false,
                    &[],
                    false,
                ),
                F(
                    "route",
                    "Jalur",
                    "Route",
                    Select,
                    false,
                    &[
                        ("plbn", "PLBN/pos lintas batas", "Border post"),
                        ("airport", "Bandara", "Airport"),
                        ("seaport", "Pelabuhan", "Seaport"),
                        ("unofficial", "Jalur tikus", "Unofficial crossing"),
                    ],
                    false,
                ),
                F(
                    "exploitation",
                    "Bentuk eksploitasi",
                    "Exploitation",
                    Multiselect,
                    false,
                    &[
                        ("labour", "Kerja paksa", "Forced labour"),
                        ("sexual", "Seksual", "Sexual"),
                        ("online_scam", "Penipuan daring", "Online scam"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F(
                    "repatriated",
                    "Sudah dipulangkan",
                    "Repatriated",
                    Boolean,
                    false,
                    &[],
                    false,
                ),
                F(
                    "victim_names",
                    "Nama korban",
                    "Victim names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "suspicious_recruitment",
            "Perekrutan mencurigakan",
            "Suspicious recruitment",
            "trafficking",
            false,
            &[
                F(
                    "channel",
                    "Saluran",
                    "Channel",
                    Select,
                    true,
                    &[
                        ("social_media", "Media sosial", "Social media"),
                        ("agent", "Calo/agen", "Agent"),
                        ("relative", "Kerabat", "Relative"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F(
                    "offered_job",
                    "Pekerjaan yang ditawarkan",
                    "Job offered",
                    Text,
                    false,
                    &[],
                    false,
                ),
                F(
                    "destination_country",
                    "Negara tujuan",
                    "Destination country",
                    Text,
                    false,
                    &[],
                    false,
                ),
                F(
                    "recruiter_names",
                    "Nama perekrut",
                    "Recruiter names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "drug_prone_activity",
            "Aktivitas rawan narkoba",
            "Drug-prone activity",
            "narcotics",
            false,
            &[
                F(
                    "activity",
                    "Aktivitas",
                    "Activity",
                    Select,
                    true,
                    &[
                        ("dealing", "Transaksi", "Dealing"),
                        ("use", "Penyalahgunaan", "Use"),
                        (
                            "gathering",
                            "Kerumunan mencurigakan",
                            "Suspicious gathering",
                        ),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F("street", "Jalan/gang", "Street", Text, false, &[], false),
                F(
                    "time_of_day",
                    "Waktu",
                    "Time of day",
                    Select,
                    false,
                    &[
                        ("morning", "Pagi", "Morning"),
                        ("afternoon", "Siang", "Afternoon"),
                        ("evening", "Sore", "Evening"),
                        ("night", "Malam", "Night"),
                    ],
                    false,
                ),
            ],
        ),
        build(
            "narcotics_arrest",
            "Penangkapan narkotika",
            "Narcotics arrest",
            "narcotics",
            false,
            &[
                F(
                    "substance",
                    "Jenis narkotika",
                    "Substance",
                    Select,
                    true,
                    &[
                        ("methamphetamine", "Sabu", "Methamphetamine"),
                        ("cannabis", "Ganja", "Cannabis"),
                        ("ecstasy", "Ekstasi", "Ecstasy"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F(
                    "weight_g",
                    "Berat (gram)",
                    "Weight (g)",
                    Decimal,
                    false,
                    &[],
                    false,
                ),
                F(
                    "suspects_count",
                    "Jumlah tersangka",
                    "Number of suspects",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "rehabilitation",
                    "Diarahkan rehabilitasi",
                    "Referred to rehabilitation",
                    Boolean,
                    false,
                    &[],
                    false,
                ),
                F(
                    "suspect_names",
                    "Nama tersangka",
                    "Suspect names",
                    Text,
                    false,
                    &[],
                    true,
                ),
            ],
        ),
        build(
            "outreach_held",
            "Sosialisasi/penyuluhan",
            "Outreach held",
            "community",
            false,
            &[
                F(
                    "topic",
                    "Topik",
                    "Topic",
                    Select,
                    true,
                    &[
                        ("narcotics", "Bahaya narkoba", "Narcotics"),
                        ("trafficking", "TPPO", "Trafficking"),
                        ("fire", "Pencegahan karhutla", "Fire prevention"),
                        ("wildlife_conflict", "Konflik satwa", "Wildlife conflict"),
                        ("conservation", "Konservasi", "Conservation"),
                        ("law", "Kesadaran hukum", "Legal awareness"),
                    ],
                    false,
                ),
                F(
                    "participants",
                    "Jumlah peserta",
                    "Participants",
                    Integer,
                    true,
                    &[],
                    false,
                ),
                F("audience", "Sasaran", "Audience", Text, false, &[], false),
            ],
        ),
        build(
            "patrol_finding",
            "Hasil patroli",
            "Patrol finding",
            "patrol",
            false,
            &[
                F(
                    "patrol_type",
                    "Jenis patroli",
                    "Patrol type",
                    Select,
                    true,
                    &[
                        ("forest_security", "Pengamanan hutan", "Forest security"),
                        ("fire_prevention", "Pencegahan karhutla", "Fire prevention"),
                        ("joint", "Patroli gabungan", "Joint patrol"),
                        ("community", "Patroli masyarakat", "Community patrol"),
                    ],
                    false,
                ),
                F(
                    "finding",
                    "Temuan",
                    "Finding",
                    Select,
                    true,
                    &[
                        ("none", "Nihil", "Nothing found"),
                        ("snare", "Jerat", "Snare"),
                        ("logging", "Pembalakan", "Logging"),
                        ("encroachment", "Perambahan", "Encroachment"),
                        ("fire", "Api/bekas bakar", "Fire"),
                        ("wildlife_sign", "Tanda satwa", "Wildlife sign"),
                        ("other", "Lainnya", "Other"),
                    ],
                    false,
                ),
                F(
                    "team_size",
                    "Jumlah personel",
                    "Team size",
                    Integer,
                    false,
                    &[],
                    false,
                ),
                F(
                    "distance_km",
                    "Jarak tempuh (km)",
                    "Distance (km)",
                    Decimal,
                    false,
                    &[],
                    false,
                ),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ty(key: &str) -> ReportType {
        builtin()
            .into_iter()
            .find(|t| t.key == key)
            .expect("builtin type")
    }

    #[test]
    fn catalogue_keys_are_unique_and_cover_the_seed_situations() {
        let all = builtin();
        let mut keys: Vec<&str> = all.iter().map(|t| t.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        for k in [
            "illegal_logging",
            "poaching",
            "hotspot",
            "hwc_crop_raid",
            "trafficking_case",
            "narcotics_arrest",
            "patrol_finding",
        ] {
            assert!(keys.contains(&k), "{k}");
        }
    }

    #[test]
    fn attributes_are_checked_against_the_type() {
        let t = ty("snare_found");
        assert!(t
            .validate_attributes(&json!({"snare_count": 3, "snare_type": "wire"}))
            .is_ok());
        let e = t
            .validate_attributes(&json!({"snare_type": "laser", "colour": "red", "removed": "yes"}))
            .expect_err("bad");
        let mut fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["colour", "removed", "snare_count", "snare_type"]);
        assert!(t.validate_attributes(&json!({"snare_count": 2.5})).is_err());
        let d = ty("hwc_damage");
        assert!(d
            .validate_attributes(&json!({"species":"gajah_sumatera","damage":["house","fence"]}))
            .is_ok());
        assert!(d
            .validate_attributes(&json!({"species":"gajah_sumatera","damage":["house","house"]}))
            .is_err());
        assert!(d.validate_attributes(&json!([1])).is_err());
    }
}
