//! `--query`: a JMESPath expression applied to a command's result on the client, as the
//! AWS CLI v2 applies it (to the whole result; with `yaml-stream` and `text`, to each page).
//!
//! One difference from the AWS CLI, from the `jmespath` crate: the keys of an object the
//! expression builds (a multi-select hash such as `{name: Username}`) are printed sorted,
//! not in the order the expression names them.

use serde_json::Value;

use crate::domain::sanitize::sanitize;

/// A compiled `--query`.
pub struct Query {
    expression: jmespath::Expression<'static>,
}

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Query({:?})", self.expression.as_str())
    }
}

impl Query {
    /// Compiles `--query`; the error names the option, the reason and where it is.
    pub fn compile(text: &str) -> Result<Query, String> {
        jmespath::compile(text)
            .map(|expression| Query { expression })
            .map_err(|e| format!("--query: not a valid JMESPath expression: {}", describe(&e)))
    }

    /// The expression applied to `value`. It fails only at run time on a value of the wrong
    /// type for a function (e.g. `length(\`1\`)`).
    pub fn apply(&self, value: &Value) -> Result<Value, String> {
        let found = self
            .expression
            .search(value)
            .map_err(|e| format!("--query: {}", describe(&e)))?;
        serde_json::to_value(&*found).map_err(|e| format!("--query: {e}"))
    }
}

/// The error's reason and column (the crate's own text also draws a caret under the
/// expression, over several lines).
fn describe(e: &jmespath::JmespathError) -> String {
    let reason = match &e.reason {
        jmespath::ErrorReason::Parse(r) => r.clone(),
        jmespath::ErrorReason::Runtime(r) => r.to_string(),
    };
    sanitize(&format!(
        "{reason} (column {} of {:?})",
        e.column, e.expression
    ))
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_and_projects_like_the_aws_cli() {
        let users = json!([
            {"Username": "ann", "LinkCount": 2},
            {"Username": "bob", "LinkCount": 0}
        ]);
        let q = Query::compile("[?LinkCount > `0`].Username").unwrap();
        assert_eq!(q.apply(&users).unwrap(), json!(["ann"]));
        let q = Query::compile("length(@)").unwrap();
        assert_eq!(q.apply(&users).unwrap(), json!(2));
        let q = Query::compile("[0].{name: Username, links: LinkCount}").unwrap();
        assert_eq!(q.apply(&users).unwrap(), json!({"name": "ann", "links": 2}));
        let q = Query::compile("nothing").unwrap();
        assert_eq!(q.apply(&users).unwrap(), json!(null));
    }

    #[test]
    fn bad_expressions_are_named() {
        let e = Query::compile("[?LinkCount >").unwrap_err();
        assert!(
            e.starts_with("--query: not a valid JMESPath expression: "),
            "{e}"
        );
        assert!(e.contains("column"), "{e}");
        let q = Query::compile("length(`1`)").unwrap();
        let e = q.apply(&json!([])).unwrap_err();
        assert!(e.starts_with("--query: "), "{e}");
    }
}
