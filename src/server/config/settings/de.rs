//! Reads one settings group out of the merged file and environment values.
//!
//! The field a value lands in decides how it is read, not how it was
//! written: environment variables are always strings and the file may quote
//! a number, so `"13"` fills a number, `"yes"` a flag and `"a, b"` a list.
//! serde's `flatten` cannot do this (it buffers values before their field is
//! known), so each group is deserialized on its own from the same keys.

use std::{collections::BTreeMap, fmt};

use serde::de::{
    self, value::SeqDeserializer, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess,
    Visitor,
};

use super::{SettingsError, BOUNDS};

/// A value and where it came from (the file's path or the variable).
#[derive(Clone, Debug)]
pub(super) struct Raw {
    pub value: toml::Value,
    pub source_name: String,
}

/// Deserializes the group `T` from those `raw` values that are its keys.
pub(super) fn group<T: DeserializeOwned>(raw: &BTreeMap<String, Raw>) -> Result<T, SettingsError> {
    T::deserialize(Group(raw)).map_err(|e| {
        let (key, source_name) =
            e.at.unwrap_or_else(|| ("(settings)".into(), "settings".into()));
        SettingsError {
            key,
            source_name,
            message: e.message,
        }
    })
}

/// The keys the derived `Deserialize` of `T` accepts: what serde passes to
/// `deserialize_struct`, so renamed and skipped fields come out right.
pub(super) fn keys_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Why a value did not fit its field; the group adds the key and source.
#[derive(Debug)]
pub(super) struct Error {
    at: Option<(String, String)>,
    message: String,
}

impl Error {
    fn new(message: String) -> Error {
        Error { at: None, message }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error::new(message.to_string())
    }

    /// Quotes the choices as `Leptos.toml` spells them: `expected "a" or "b", got "c"`.
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let quoted: Vec<String> = expected.iter().map(|v| format!("{v:?}")).collect();
        let choices = match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "nothing".into(),
        };
        Error::new(format!("expected {choices}, got {variant:?}"))
    }
}

/// Hands a group's struct visitor the keys it declares that have a value.
struct Group<'a>(&'a BTreeMap<String, Raw>);

impl<'de> de::Deserializer<'de> for Group<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("a settings group must be a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let present = fields
            .iter()
            .filter_map(|key| self.0.get(*key).map(|raw| (*key, raw)))
            .collect::<Vec<_>>();
        visitor.visit_map(Entries {
            pending: present.into_iter(),
            current: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

struct Entries<'a> {
    pending: std::vec::IntoIter<(&'static str, &'a Raw)>,
    current: Option<(&'static str, &'a Raw)>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, raw)) = self.pending.next() else {
            return Ok(None);
        };
        self.current = Some((key, raw));
        seed.deserialize(IntoDeserializer::<Error>::into_deserializer(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let (key, raw) = self
            .current
            .take()
            .ok_or_else(|| Error::new("a value without a key".into()))?;
        let value = Value {
            value: raw.value.clone(),
            key,
        };
        seed.deserialize(value).map_err(|mut e| {
            e.at.get_or_insert_with(|| (key.into(), raw.source_name.clone()));
            e
        })
    }
}

/// One value, read as the type its field asks for.
struct Value {
    value: toml::Value,
    /// The key whose bounds apply (the list's own, for a list's items).
    key: &'static str,
}

impl Value {
    fn integer(&self) -> Result<i64, Error> {
        let number = match &self.value {
            toml::Value::Integer(i) => *i,
            toml::Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| Error::new(format!("expected a whole number, got {s:?}")))?,
            other => {
                return Err(Error::new(format!(
                    "expected a whole number, got {}",
                    other.type_str()
                )))
            }
        };
        // Without a bound a typo (a cost of 200, a timeout of 0) would be
        // accepted; the tests make sure every numeric key has one.
        let Some(&(_, min, max)) = BOUNDS.iter().find(|(key, ..)| *key == self.key) else {
            return Err(Error::new("no bounds are declared for this key".into()));
        };
        if number < min || number > max {
            return Err(Error::new(format!(
                "must be between {min} and {max}, got {number}"
            )));
        }
        Ok(number)
    }

    fn mismatch(&self, expected: &str) -> Error {
        Error::new(format!(
            "expected {expected}, got {}",
            self.value.type_str()
        ))
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value {
    type Deserializer = Value;

    fn into_deserializer(self) -> Value {
        self
    }
}

macro_rules! integers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_i64(self.integer()?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            toml::Value::String(ref s) => visitor.visit_str(s.trim()),
            toml::Value::Integer(i) => visitor.visit_i64(i),
            toml::Value::Float(f) => visitor.visit_f64(f),
            toml::Value::Boolean(b) => visitor.visit_bool(b),
            toml::Value::Array(_) => self.deserialize_seq(visitor),
            toml::Value::Datetime(_) | toml::Value::Table(_) => Err(self.mismatch("a value")),
        }
    }

    integers!(
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    );

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            toml::Value::Boolean(b) => visitor.visit_bool(*b),
            toml::Value::String(s) => match s.trim() {
                "true" | "1" | "yes" => visitor.visit_bool(true),
                "false" | "0" | "no" => visitor.visit_bool(false),
                other => Err(Error::new(format!("expected true or false, got {other:?}"))),
            },
            _ => Err(self.mismatch("true or false")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            toml::Value::String(s) => visitor.visit_str(s.trim()),
            _ => Err(self.mismatch("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// An empty string leaves an optional key unset, as the file documents.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            toml::Value::String(s) if s.trim().is_empty() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// A TOML array, or (as environment variables must) a comma-separated string.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let items: Vec<toml::Value> = match self.value {
            toml::Value::Array(items) => items,
            toml::Value::String(ref s) => s
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| toml::Value::String(item.to_owned()))
                .collect(),
            _ => return Err(self.mismatch("a list")),
        };
        let key = self.key;
        let mut seq = SeqDeserializer::new(items.into_iter().map(|value| Value { value, key }));
        let list = visitor.visit_seq(&mut seq)?;
        seq.end()?;
        Ok(list)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.value {
            toml::Value::String(s) => {
                visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(s.trim()))
            }
            _ => Err(self.mismatch("a string")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// Records the field list serde passes for a struct, then gives up.
struct Probe<'a>(&'a mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("only a struct has keys"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        *self.0 = fields;
        Err(de::Error::custom("probed"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}
