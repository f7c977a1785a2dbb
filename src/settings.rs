//! The user's settings file, `$XDG_CONFIG_HOME/coglink/config.toml`: per AWS profile (and
//! for `--local`), a production guard. In the TUI a guarded profile colours the header and
//! shows its badge, and every change's review asks to type the pool id or the user's name
//! before the confirm button sends anything; a headless change (`link`, `unlink`, `batch`,
//! `merge`) asks to type the pool id on a terminal, or takes `--yes`. `read_only = true`
//! makes the profile read-only as `--read-only` does, in the TUI and the headless commands.
//! `cache = true` turns the TUI's instant reopen on for the profile, as `--cache` does
//! (`--no-cache` turns it off for one run): the last full load of each pool is kept in
//! `$XDG_CACHE_HOME/coglink/`, personal data included, so it is off unless asked for.
//! Pure: `session::profile_settings` reads the file.
//!
//! ```toml
//! [profiles.prod]
//! production = true   # typed confirmation; header and badge coloured (red, PRODUCTION)
//! read_only = false   # true: link and unlink are refused, as with --read-only
//! badge = "PROD"      # the badge's text (1 to 16 characters)
//! color = "red"       # red, yellow, green, blue, magenta or cyan
//! cache = false       # true: the TUI opens pools from their cache, as with --cache
//!
//! [local]             # the same keys, for --local
//! ```
//!
//! A file that breaks a rule is refused with a message naming the key and the rule, and the
//! UI does not start: a guard silently dropped would be worse than no start.

/// The settings of the profile in use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSettings {
    pub read_only: bool,
    /// Set when the header is coloured: with `production`, or a badge or colour.
    pub badge: Option<Badge>,
    /// Every change needs the pool id or the user's name typed before it is sent.
    pub typed_confirmation: bool,
    /// The TUI keeps each pool's last full load in the cache directory and opens from it
    /// (`--cache`; `--no-cache` overrides it).
    pub cache: bool,
}

/// The header's badge for a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    pub text: String,
    pub color: BadgeColor,
}

/// The colours a badge may have (the terminal's own palette).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeColor {
    Red,
    Yellow,
    Green,
    Blue,
    Magenta,
    Cyan,
}

const KEYS: [&str; 5] = ["production", "read_only", "badge", "color", "cache"];
const COLORS: [(&str, BadgeColor); 6] = [
    ("red", BadgeColor::Red),
    ("yellow", BadgeColor::Yellow),
    ("green", BadgeColor::Green),
    ("blue", BadgeColor::Blue),
    ("magenta", BadgeColor::Magenta),
    ("cyan", BadgeColor::Cyan),
];
const BADGE_MAX: usize = 16;

/// The settings for `profile` (`None`: `--local`) in the file's `text`; an error names the
/// key and the rule it breaks.
pub fn settings_for(text: &str, profile: Option<&str>) -> Result<ProfileSettings, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("not valid TOML: {}", e.message()))?;
    let mut found = None;
    for (key, value) in &table {
        match key.as_str() {
            "profiles" => {
                let profiles = value
                    .as_table()
                    .ok_or("`profiles` must be a table: [profiles.<name>]")?;
                for (name, section) in profiles {
                    let settings = section_settings(&format!("profiles.{name}"), section)?;
                    if profile == Some(name.as_str()) {
                        found = Some(settings);
                    }
                }
            }
            "local" => {
                let settings = section_settings("local", value)?;
                if profile.is_none() {
                    found = Some(settings);
                }
            }
            other => {
                return Err(format!(
                    "unknown key `{other}`: the file holds [profiles.<name>] tables and [local]"
                ));
            }
        }
    }
    Ok(found.unwrap_or_default())
}

fn section_settings(path: &str, value: &toml::Value) -> Result<ProfileSettings, String> {
    let table = value
        .as_table()
        .ok_or_else(|| format!("`{path}` must be a table of settings"))?;
    let mut production = false;
    let mut read_only = false;
    let mut cache = false;
    let mut badge = None;
    let mut color = None;
    for (key, value) in table {
        let at = format!("{path}.{key}");
        let boolean = || {
            value
                .as_bool()
                .ok_or_else(|| format!("`{at}` must be true or false"))
        };
        match key.as_str() {
            "production" => production = boolean()?,
            "read_only" => read_only = boolean()?,
            "cache" => cache = boolean()?,
            "badge" => {
                let text = value
                    .as_str()
                    .ok_or_else(|| format!("`{at}` must be a string"))?;
                let n = text.chars().count();
                if n == 0 || n > BADGE_MAX || text.chars().any(|c| c.is_control()) {
                    return Err(format!(
                        "`{at}` must be 1 to {BADGE_MAX} printable characters (has {n})"
                    ));
                }
                badge = Some(text.to_owned());
            }
            "color" => {
                let name = value.as_str().unwrap_or_default();
                let names: Vec<&str> = COLORS.iter().map(|(n, _)| *n).collect();
                color = Some(
                    COLORS
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, c)| *c)
                        .ok_or_else(|| format!("`{at}` must be one of {}", names.join(", ")))?,
                );
            }
            other => {
                return Err(format!(
                    "unknown key `{path}.{other}`: the keys are {}",
                    KEYS.join(", ")
                ));
            }
        }
    }
    let styled = production || badge.is_some() || color.is_some();
    let default_badge = if production { "PRODUCTION" } else { "GUARDED" };
    Ok(ProfileSettings {
        read_only,
        cache,
        typed_confirmation: production,
        badge: styled.then(|| Badge {
            text: badge.unwrap_or_else(|| default_badge.to_owned()),
            color: color.unwrap_or(if production {
                BadgeColor::Red
            } else {
                BadgeColor::Yellow
            }),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[profiles.prod]
production = true
read_only = true
badge = "PROD"

[profiles.staging]
color = "yellow"
badge = "STAGING"
cache = true

[local]
production = true
"#;

    #[test]
    fn a_profile_gets_its_own_settings_and_others_none() {
        let prod = settings_for(FILE, Some("prod")).unwrap();
        assert_eq!(
            prod,
            ProfileSettings {
                read_only: true,
                typed_confirmation: true,
                cache: false,
                badge: Some(Badge {
                    text: "PROD".into(),
                    color: BadgeColor::Red
                }),
            }
        );
        let staging = settings_for(FILE, Some("staging")).unwrap();
        assert!(!staging.typed_confirmation && !staging.read_only);
        assert!(
            staging.cache,
            "cache = true turns the cache on for its profile only"
        );
        assert_eq!(staging.badge.unwrap().color, BadgeColor::Yellow);
        assert_eq!(
            settings_for(FILE, Some("dev")).unwrap(),
            ProfileSettings::default()
        );
        let local = settings_for(FILE, None).unwrap();
        assert!(local.typed_confirmation && !local.cache);
        assert!(
            settings_for("[local]\ncache = true", None).unwrap().cache,
            "[local] takes the key too"
        );
        assert_eq!(local.badge.unwrap().text, "PRODUCTION");
        assert_eq!(
            settings_for("", Some("prod")).unwrap(),
            ProfileSettings::default()
        );
    }

    #[test]
    fn a_bad_file_is_refused_naming_the_key_and_the_rule() {
        for (text, message) in [
            (
                "[profiles.prod]\ncolour = \"red\"",
                "unknown key `profiles.prod.colour`: the keys are production, read_only, badge, color, cache",
            ),
            (
                "[profiles.prod]\ncolor = \"pink\"",
                "`profiles.prod.color` must be one of red, yellow, green, blue, magenta, cyan",
            ),
            (
                "[profiles.prod]\nproduction = \"yes\"",
                "`profiles.prod.production` must be true or false",
            ),
            (
                "[profiles.prod]\nbadge = \"\"",
                "`profiles.prod.badge` must be 1 to 16 printable characters (has 0)",
            ),
            (
                "[profiles.prod]\nbadge = \"a\\u001b[31m\"",
                "`profiles.prod.badge` must be 1 to 16 printable characters (has 6)",
            ),
            (
                "[prod]\nproduction = true",
                "unknown key `prod`: the file holds [profiles.<name>] tables and [local]",
            ),
            (
                "profiles = 3",
                "`profiles` must be a table: [profiles.<name>]",
            ),
            (
                "[local]\nread_only = 1",
                "`local.read_only` must be true or false",
            ),
            (
                "[profiles.prod]\ncache = \"on\"",
                "`profiles.prod.cache` must be true or false",
            ),
            ("[local]\ncache = 1", "`local.cache` must be true or false"),
        ] {
            // Even when the profile in use is another one: the whole file is checked.
            assert_eq!(
                settings_for(text, Some("other")),
                Err(message.into()),
                "{text}"
            );
        }
        assert!(
            settings_for("[profiles", None)
                .unwrap_err()
                .starts_with("not valid TOML")
        );
    }
}
