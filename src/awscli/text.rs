//! `--output text` as the AWS CLI prints it (v1 and v2 agree): tab-separated values.
//!
//! The rules of the AWS CLI's text formatter:
//! - a mapping prints its scalar values on one line, in key order, then each of its lists
//!   and mappings under the key's name, upper-cased, as the identifier of their lines;
//! - a list of mappings prints one line per mapping, with the columns of every scalar key
//!   any of them has (sorted; empty where one lacks it);
//! - a list of scalars prints `IDENTIFIER<TAB>value` per value under a key, or the values on
//!   one tab-separated line at the top;
//! - a scalar prints as Python's `str()` would: `True`, `False`, `None`, numbers as written.
//!
//! Pool text is untrusted: every string goes through `sanitize`, so a tab or a newline in a
//! value is printed escaped and never splits a column or a line.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::domain::sanitize::sanitize;

/// `value` in the text format; every line ends with a newline.
pub fn to_text(value: &Value) -> String {
    let mut out = String::new();
    write_item(&mut out, value, None, None);
    out
}

fn write_item(out: &mut String, value: &Value, identifier: Option<&str>, keys: Option<&[&str]>) {
    match value {
        Value::Object(map) => write_map(out, map, identifier, keys),
        Value::Array(items) => write_list(out, items, identifier),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn is_collection(v: &Value) -> bool {
    v.is_object() || v.is_array()
}

fn write_list(out: &mut String, items: &[Value], identifier: Option<&str>) {
    if items.iter().any(Value::is_object) {
        let keys = scalar_keys(items);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        for item in items {
            write_item(out, item, identifier, Some(&keys));
        }
    } else if items.iter().any(Value::is_array) {
        let (lists, scalars): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|v| is_collection(v));
        write_scalars(out, &scalars, identifier);
        for list in lists {
            write_item(out, list, identifier, None);
        }
    } else {
        write_scalars(out, &items.iter().collect::<Vec<_>>(), identifier);
    }
}

fn write_scalars(out: &mut String, scalars: &[&Value], identifier: Option<&str>) {
    if scalars.is_empty() {
        return;
    }
    match identifier {
        Some(id) => {
            for v in scalars {
                out.push_str(&id.to_uppercase());
                out.push('\t');
                out.push_str(&scalar_text(v));
                out.push('\n');
            }
        }
        None => {
            let line: Vec<String> = scalars.iter().map(|v| scalar_text(v)).collect();
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
    }
}

/// The scalar keys of a list of mappings, sorted: the columns of its lines.
fn scalar_keys(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|m| m.iter())
        .filter(|(_, v)| !is_collection(v))
        .map(|(k, _)| k.clone())
        .collect()
}

fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    identifier: Option<&str>,
    keys: Option<&[&str]>,
) {
    let mut sorted: Vec<(&String, &Value)> = map.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let (scalars, nested): (Vec<String>, Vec<(&String, &Value)>) = match keys {
        None => {
            let scalars = sorted
                .iter()
                .filter(|(_, v)| !is_collection(v))
                .map(|(_, v)| scalar_text(v))
                .collect();
            let nested = sorted
                .into_iter()
                .filter(|(_, v)| is_collection(v))
                .collect();
            (scalars, nested)
        }
        Some(keys) => {
            let scalars = keys
                .iter()
                .map(|k| map.get(*k).map(scalar_text).unwrap_or_default())
                .collect();
            let nested = sorted
                .into_iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .collect();
            (scalars, nested)
        }
    };
    if !scalars.is_empty() {
        let mut line = Vec::with_capacity(scalars.len() + 1);
        if let Some(id) = identifier {
            line.push(id.to_uppercase());
        }
        line.extend(scalars);
        out.push_str(&line.join("\t"));
        out.push('\n');
    }
    for (key, value) in nested {
        write_item(out, value, Some(key), None);
    }
}

/// A value as Python's `str()` prints it, terminal-safe.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => sanitize(s).into_owned(),
        // A key scalar in one mapping of a list and a collection in another: printed as
        // JSON (the AWS CLI prints Python's repr there).
        collection => sanitize(&collection.to_string()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_response_prints_as_the_aws_cli_prints_it() {
        let v = json!({
            "Users": [
                {"Username": "ann", "Enabled": true, "UserStatus": "CONFIRMED",
                 "Attributes": [{"Name": "sub", "Value": "1"}, {"Name": "email", "Value": "a@x.io"}]},
                {"Username": "bob", "Enabled": false,
                 "Attributes": []}
            ]
        });
        assert_eq!(
            to_text(&v),
            "USERS\tTrue\tCONFIRMED\tann\n\
             ATTRIBUTES\tsub\t1\n\
             ATTRIBUTES\temail\ta@x.io\n\
             USERS\tFalse\t\tbob\n"
        );
    }

    #[test]
    fn lists_of_scalars_and_bare_values() {
        assert_eq!(to_text(&json!(["a", "b"])), "a\tb\n");
        assert_eq!(
            to_text(&json!({"Names": ["a", "b"]})),
            "NAMES\ta\nNAMES\tb\n"
        );
        assert_eq!(to_text(&json!("x")), "x\n");
        assert_eq!(to_text(&json!(null)), "None\n");
        assert_eq!(to_text(&json!([[1, 2], [3]])), "1\t2\n3\n");
        assert_eq!(to_text(&json!([])), "");
        assert_eq!(to_text(&json!({"a": 1.5, "b": null})), "1.5\tNone\n");
    }

    #[test]
    fn untrusted_text_never_splits_a_column_or_reaches_the_terminal() {
        let text = to_text(&json!([{"Username": "a\tb\nc\x1b[2J"}]));
        assert_eq!(text, "a\\tb\\nc\\e[2J\n");
    }
}
