use super::*;

fn new_york() -> TimeZone {
    TimeZone::get("America/New_York").expect("the test host has tzdata")
}

#[test]
fn date_only_is_midnight_in_the_site_zone() {
    let zoned = resolve_date("2025-01-21", &new_york()).unwrap();
    assert_eq!(
        zoned.to_string(),
        "2025-01-21T00:00:00-05:00[America/New_York]"
    );
}

#[test]
fn zulu_datetime_is_the_instant_shown_in_the_site_zone() {
    let zoned = resolve_date("2025-01-21T15:30:00Z", &new_york()).unwrap();
    assert_eq!(
        zoned.to_string(),
        "2025-01-21T10:30:00-05:00[America/New_York]"
    );
}

#[test]
fn offset_datetime_is_the_instant_shown_in_the_site_zone() {
    let zoned = resolve_date("2025-07-01T09:00:00+02:00", &new_york()).unwrap();
    assert_eq!(
        zoned.to_string(),
        "2025-07-01T03:00:00-04:00[America/New_York]"
    );
    let fractional = resolve_date("2025-01-21T15:30:00.250Z", &new_york()).unwrap();
    assert_eq!(
        fractional.timestamp().to_string(),
        "2025-01-21T15:30:00.25Z"
    );
}

#[test]
fn local_datetime_is_read_in_the_site_zone() {
    for text in [
        "2025-01-21T10:00:00",
        "2025-01-21 10:00:00",
        "2025-01-21T10:00",
    ] {
        let zoned = resolve_date(text, &new_york()).unwrap();
        assert_eq!(
            zoned.to_string(),
            "2025-01-21T10:00:00-05:00[America/New_York]",
            "{text}"
        );
    }
}

#[test]
fn local_times_around_dst_changes_are_resolved_compatibly() {
    let skipped = resolve_date("2025-03-09T02:30:00", &new_york()).unwrap();
    assert_eq!(
        skipped.to_string(),
        "2025-03-09T03:30:00-04:00[America/New_York]"
    );
    let repeated = resolve_date("2025-11-02T01:30:00", &new_york()).unwrap();
    assert_eq!(
        repeated.to_string(),
        "2025-11-02T01:30:00-04:00[America/New_York]"
    );
}

#[test]
fn dates_past_the_calendars_end_say_so() {
    let utc = TimeZone::UTC;
    assert!(resolve_date("9999-12-30", &utc).is_ok());
    for text in [
        "9999-12-31",
        "9999-12-30T23:00:00Z",
        "9999-12-31T12:00:00-10:00",
    ] {
        assert_eq!(
            resolve_date(text, &utc).unwrap_err(),
            format!(
                "date `{text}` is out of range: a date must be earlier than 9999-12-30 22:00 UTC"
            )
        );
    }
}

#[test]
fn invalid_dates_are_rejected_with_the_expected_forms() {
    let err = resolve_date("2025-13-01", &new_york()).unwrap_err();
    assert_eq!(
        err,
        "invalid date `2025-13-01`: expected YYYY-MM-DD or an RFC 3339 date-time \
             such as 2025-01-21T09:30:00Z"
    );
    for text in [
        "",
        "yesterday",
        "2025-02-30",
        "20250121",
        "2025-01-21T25:00:00Z",
        "2025-01-21X10:00",
        "2025-01-21T10:00:00Z[Europe/Paris]",
        "10:00:00",
        "٢٠٢٥-٠١-٢١",
    ] {
        let err = resolve_date(text, &new_york()).unwrap_err();
        assert!(
            err.starts_with(&format!("invalid date `{text}`")),
            "{text}: {err}"
        );
    }
}

#[test]
fn raw_date_reads_toml_dates_and_strings() {
    #[derive(Debug, Deserialize)]
    struct Doc {
        a: RawDate,
        b: RawDate,
        c: RawDate,
    }
    let doc: Doc =
        toml::from_str("a = 2025-01-21\nb = 2025-01-21T10:00:00Z\nc = \" 2025-01-22 \"\n").unwrap();
    assert_eq!(doc.a.as_str(), "2025-01-21");
    assert_eq!(doc.b.as_str(), "2025-01-21T10:00:00Z");
    assert_eq!(doc.c.as_str(), "2025-01-22");
    let err = toml::from_str::<Doc>("a = 5\nb = 1\nc = 1\n").unwrap_err();
    assert!(err.message().contains("expected a date such as"), "{err}");
}

#[test]
fn raw_date_reads_yaml_scalars() {
    #[derive(Deserialize)]
    struct Doc {
        a: RawDate,
        b: RawDate,
    }
    let doc: Doc = serde_saphyr::from_str("a: 2025-01-21\nb: 2025-01-21T10:00:00+01:00\n").unwrap();
    assert_eq!(doc.a.as_str(), "2025-01-21");
    assert_eq!(doc.b.as_str(), "2025-01-21T10:00:00+01:00");
}

#[test]
fn extra_turns_toml_datetimes_into_strings() {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(deserialize_with = "extra")]
        extra: Extra,
    }
    let doc: Doc = toml::from_str(
        "[extra]\nwhen = 2025-01-21\nlist = [2025-01-22T10:00:00Z]\nn = { t = 10:30:00 }\n",
    )
    .unwrap();
    let json = Value::Object(doc.extra).to_string();
    assert_eq!(
        json,
        r#"{"list":["2025-01-22T10:00:00Z"],"n":{"t":"10:30:00"},"when":"2025-01-21"}"#
    );
}

/// A deserializer that only records the field list serde derives for a
/// struct, so the tests can hold each `KEYS` to the struct it describes.
struct FieldNames;

#[derive(Debug)]
struct Fields(&'static [&'static str]);

impl fmt::Display for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Fields {}

impl de::Error for Fields {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Fields(&[])
    }
}

impl<'de> Deserializer<'de> for FieldNames {
    type Error = Fields;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
        Err(Fields(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

fn struct_fields<T: Schema>() -> &'static [&'static str] {
    match T::deserialize(FieldNames) {
        Err(Fields(fields)) => fields,
        Ok(_) => unreachable!("FieldNames never yields a value"),
    }
}

#[test]
fn keys_match_the_struct_fields() {
    assert_eq!(BriefingMatter::KEYS, struct_fields::<BriefingMatter>());
    assert_eq!(PageMatter::KEYS, struct_fields::<PageMatter>());
    assert_eq!(CompanyMatter::KEYS, struct_fields::<CompanyMatter>());
    assert_eq!(StoryMatter::KEYS, struct_fields::<StoryMatter>());
}
