//! Reading a journal the way the tests check it: written ahead, each change has an intent
//! (`pending`) and then its outcome with the same `change_id`.

use serde_json::Value;

/// The journal's lines at `path` (none when it does not exist).
pub fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("journal lines are JSON"))
        .collect()
}

/// The outcomes among `lines`, after checking every intent has exactly one.
pub fn outcomes(lines: Vec<Value>) -> Vec<Value> {
    let (intents, outcomes): (Vec<Value>, Vec<Value>) = lines
        .into_iter()
        .partition(|e| e["outcome"]["status"] == "pending");
    for intent in &intents {
        let answers = outcomes
            .iter()
            .filter(|o| o["change_id"] == intent["change_id"])
            .count();
        assert_eq!(answers, 1, "intent without exactly one outcome: {intent}");
    }
    outcomes
}
