//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::aws::TargetSpec;
use crate::aws::listing::{DEFAULT_LIST_RPS, ListingMode, ListingSettings};

/// A terminal console for Amazon Cognito user pools: browse users and their linked
/// identities, link and unlink federated identities safely.
///
/// Without a command, opens the terminal UI.
#[derive(Debug, Parser)]
#[command(name = "coglink", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Open the UI on this pool, skipping the pool picker.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// Instant reopen: keep each pool's last full load in the cache directory
    /// ($XDG_CACHE_HOME/coglink/, see Files below; mode 0600) and open the table from it at
    /// once while the pool is listed again in the background, marking the users added,
    /// changed and removed since. The files hold personal data (users' emails, phone numbers,
    /// names): off by default; `cache = true` in config.toml turns it on for a profile;
    /// `coglink cache clear` removes them.
    #[arg(long, conflicts_with = "no_cache")]
    pub cache: bool,
    /// Neither read nor write the cache, whatever config.toml says.
    #[arg(long)]
    pub no_cache: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// `--cache` or `--no-cache`, if either was given.
    pub fn cache(&self) -> Option<bool> {
        match (self.cache, self.no_cache) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// Options every command takes.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// AWS profile (default: AWS_PROFILE, then `default`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (default: AWS_REGION, then the profile's region).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Send requests to this endpoint instead of Cognito's.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Use the embedded local Cognito endpoint with a demo pool (no AWS account needed).
    #[arg(long, global = true, conflicts_with_all = ["profile", "endpoint_url"])]
    pub local: bool,
    /// State file of the embedded local endpoint (default: see Files below).
    #[arg(long, global = true, value_name = "FILE", requires = "local")]
    pub local_state: Option<PathBuf>,
    /// Refuse every change: browse and review only.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// How a whole pool is listed (TUI, `users`, `unlink`): `auto` pages 16 `sub` prefixes
    /// concurrently when the pool's estimate reaches 1,000 users; a filter is always
    /// sequential.
    #[arg(long, global = true, value_enum, default_value_t, value_name = "MODE")]
    pub listing: ListingMode,
    /// ListUsers requests per second at most (default: 30, the UserList quota; no ceiling
    /// with --local). The rate also drops when Cognito throttles.
    #[arg(long, global = true, value_name = "RPS", value_parser = positive_rate)]
    pub list_rate: Option<f64>,
    /// Accepted as the AWS CLI v2 accepts it; coglink never pages its output.
    #[arg(long, global = true)]
    pub no_cli_pager: bool,
    /// The profile's settings from config.toml (read by the headless commands before they
    /// run; not a flag).
    #[arg(skip)]
    pub profile_settings: crate::settings::ProfileSettings,
}

impl GlobalArgs {
    /// The listing mode and rate ceiling these options ask for.
    /// Where to connect, for the layers below (which never see clap types).
    pub fn target_spec(&self) -> TargetSpec {
        TargetSpec {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            local: self.local,
            local_state: self.local_state.clone(),
        }
    }

    pub fn listing_settings(&self) -> ListingSettings {
        let max_rps = match (self.list_rate, self.local) {
            (Some(rate), _) => Some(rate),
            // The embedded endpoint has no quota unless one is simulated.
            (None, true) => None,
            (None, false) => Some(DEFAULT_LIST_RPS),
        };
        ListingSettings {
            mode: self.listing,
            max_rps,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Link an external identity to an existing user (AdminLinkProviderForUser).
    Link(LinkArgs),
    /// Unlink an external identity from the user it is linked to (AdminDisableProviderForUser).
    Unlink(UnlinkArgs),
    /// List every user of a pool with its linked identities.
    Users(UsersArgs),
    /// List user pools with estimated user counts.
    Pools(PoolsArgs),
    /// Link many identities from a CSV or JSON-lines file: planned first, sent at the quota
    /// rate, resumable.
    Batch(BatchArgs),
    /// Find the people who have two users (a native one and a federated `Google_…` one
    /// made by a first sign-in, or case variants of one email), grouped by email and phone,
    /// each group classified: mergeable, needs a choice, unverified, already linked, would
    /// pass 5 links.
    Duplicates(DuplicatesArgs),
    /// Merge a federated user into the user to keep: copy its groups and the attributes
    /// chosen, delete it, link its identities to the kept user, and write the old → new sub to
    /// a remap file. Reviewed first; nothing is deleted without --yes or a typed confirmation.
    Merge(MergeArgs),
    /// Write the whole pool (users with status, attributes, identities and groups; identity
    /// providers with their mappings; groups) as JSON lines, to stdout or a file. The file
    /// holds personal data (emails, phone numbers, names): it is written mode 0600, keep it
    /// as you would the pool.
    Snapshot(SnapshotArgs),
    /// Compare two snapshots, or a snapshot and the live pool: users added and removed,
    /// identities linked and unlinked, groups joined and left, attributes changed. Exit 0
    /// when equal, 1 when they differ, 2 when they cannot be compared (bad input, or the live
    /// pool could not be read).
    Diff(DiffArgs),
    /// The TUI's pool caches (`--cache`): list them, or remove them. They hold personal
    /// data (users' emails, phone numbers, names), in $XDG_CACHE_HOME/coglink/.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// The embedded Cognito-compatible endpoint.
    #[command(subcommand)]
    Local(LocalCommand),
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// One line per cache file: pool, when it was listed, users, size, path.
    List,
    /// Remove the cache files (every pool's, or one pool's), printing each path removed.
    /// Nothing to remove is not an error.
    Clear {
        /// Only this pool's cache files (of every profile and endpoint).
        #[arg(long, value_name = "ID")]
        user_pool_id: Option<String>,
    },
}

/// `--generate-cli-skeleton` values, as the AWS CLI v2 accepts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SkeletonKind {
    /// The request as JSON, for --cli-input-json.
    Input,
    /// The request as commented YAML, for --cli-input-yaml.
    YamlInput,
    /// The response's shape (empty for link and unlink, so nothing is printed).
    Output,
}

#[derive(Debug, Clone, Args)]
pub struct LinkArgs {
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// The existing user: shorthand `ProviderName=Cognito,ProviderAttributeValue=diego` or JSON.
    #[arg(long, value_name = "ID")]
    pub destination_user: Option<String>,
    /// The identity to link: shorthand `ProviderName=Google,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=123` or JSON.
    #[arg(long, value_name = "ID")]
    pub source_user: Option<String>,
    #[command(flatten)]
    pub request: RequestArgs,
}

/// What `link` and `unlink` share with the AWS CLI besides their members.
#[derive(Debug, Clone, Args)]
pub struct RequestArgs {
    /// The request as JSON, or `file://path`; explicit flags override its members.
    #[arg(long, value_name = "JSON")]
    pub cli_input_json: Option<String>,
    /// The request as YAML, or `file://path` (as the AWS CLI v2 takes it); explicit flags
    /// override its members.
    #[arg(long, value_name = "YAML", conflicts_with = "cli_input_json")]
    pub cli_input_yaml: Option<String>,
    /// Print a request skeleton (input: JSON, yaml-input: YAML) or the empty output shape
    /// (output) and exit.
    #[arg(long, value_name = "KIND", num_args = 0..=1, default_missing_value = "input")]
    pub generate_cli_skeleton: Option<SkeletonKind>,
    /// Validate and show the change without making it.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm the change under a production profile (config.toml) without typing the pool
    /// id.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct UnlinkArgs {
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// The linked identity: shorthand `ProviderName=Google,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=123` or JSON.
    #[arg(long, value_name = "ID")]
    pub user: Option<String>,
    /// Required to send `ProviderName=Cognito`: that removes no linked identity, it
    /// disables the native user's password sign-in (review it first with --dry-run).
    #[arg(long)]
    pub disable_password_sign_in: bool,
    #[command(flatten)]
    pub request: RequestArgs,
}

/// `--output`: coglink's own `table` and `csv`, and the AWS CLI v2's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns, untrusted text escaped.
    #[default]
    Table,
    /// JSON as the AWS CLI v2 prints it (a listing streams one item per line).
    Json,
    /// YAML as the AWS CLI v2 prints it (the whole result at the end).
    Yaml,
    /// YAML streamed page by page, each page one item of a top-level list (as v2).
    YamlStream,
    /// Tab-separated values as the AWS CLI prints them, page by page.
    Text,
    /// RFC 4180, with a header.
    Csv,
}

/// `--output` and `--query`, for the commands that print a result.
#[derive(Debug, Clone, Default, Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
    /// JMESPath expression applied to the result on the client, as the AWS CLI v2 applies
    /// it: to the whole result with json and yaml, to each page with yaml-stream and text.
    /// Not with table or csv (their columns are fixed).
    #[arg(long, value_name = "JMESPATH")]
    pub query: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct UsersArgs {
    #[arg(long, value_name = "ID")]
    pub user_pool_id: String,
    /// Cognito filter expression, e.g. `email ^= "ann"`.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DuplicatesArgs {
    #[arg(long, value_name = "ID")]
    pub user_pool_id: String,
    /// Match users by email (case-folded), phone number, or both.
    #[arg(long, value_enum, default_value_t)]
    pub by: MatchByArg,
    // `--output json` is what `coglink merge --from` reads (so is `--output yaml`, in a
    // `.yaml` file).
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// The user to keep (its sub, password and attributes stay).
    #[arg(
        long,
        value_name = "USERNAME",
        requires = "merge",
        conflicts_with = "from"
    )]
    pub keep: Option<String>,
    /// The federated user to merge into it (deleted; its identities are linked to --keep).
    #[arg(long, value_name = "USERNAME", requires = "keep")]
    pub merge: Option<String>,
    /// Merge every mergeable pair of a `coglink duplicates --output json` file (edit it to
    /// choose); `unverified` groups too with --allow-unverified.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["keep", "merge"])]
    pub from: Option<PathBuf>,
    /// Add the kept user to the merged user's groups.
    #[arg(long)]
    pub copy_groups: bool,
    /// Copy these attributes of the merged user to the kept one (comma-separated; never
    /// sub or identities).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub copy_attributes: Vec<String>,
    /// Merge although the two users share no verified email or phone number: whoever got an
    /// identity provider to assert that email would sign in as the kept user.
    #[arg(long)]
    pub allow_unverified: bool,
    /// Review the merge without making it.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm the delete without the typed confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Where the old → new sub lines go (default: remap.jsonl beside the journal).
    #[arg(long, value_name = "FILE")]
    pub remap: Option<PathBuf>,
    /// Requests per second of the merge steps (AdminDeleteUser, AdminLinkProviderForUser and
    /// the copies share Cognito's UserUpdate quota of 25 per second with the application).
    #[arg(long, value_name = "RPS", default_value_t = 10.0, value_parser = positive_rate)]
    pub rate: f64,
}

#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    #[arg(long, value_name = "ID")]
    pub user_pool_id: String,
    /// Write the snapshot to FILE (atomically: a complete file or none; mode 0600, as it
    /// holds personal data) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write the pool's links as a `coglink batch` CSV file (mode 0600), to make them
    /// again in another pool holding the same users. Without -o, only this file is written.
    #[arg(long, value_name = "FILE")]
    pub links_as_batch: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The earlier snapshot.
    #[arg(value_name = "A")]
    pub before: PathBuf,
    /// The later snapshot (or --live).
    #[arg(
        value_name = "B",
        required_unless_present = "live",
        conflicts_with = "live"
    )]
    pub after: Option<PathBuf>,
    /// Compare A with the pool as it is now (listed now, where the options point).
    #[arg(long)]
    pub live: bool,
    /// Compare snapshots of two different pools, matching users by username.
    #[arg(long)]
    pub across_pools: bool,
    // table: aligned columns and a summary line; csv: `change,username,what,before,after`;
    // json, yaml, text: one object, `equal`, `before`, `after`, `counts`, `changes`.
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum MatchByArg {
    Email,
    Phone,
    #[default]
    Both,
}

#[derive(Debug, Clone, Args)]
pub struct PoolsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// CSV with a header (DestinationProviderName, DestinationProviderAttributeValue,
    /// SourceProviderName, SourceProviderAttributeName, SourceProviderAttributeValue, optional
    /// UserPoolId) or JSON lines of AdminLinkProviderForUser requests.
    pub file: PathBuf,
    /// Pool of rows that do not name one.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// Validate and print the plan; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Requests per second (AdminLinkProviderForUser's quota; 25 is the UserUpdate default).
    #[arg(long, value_name = "RPS", default_value_t = 25.0, value_parser = positive_rate)]
    pub rate: f64,
    /// AdminGetUser requests per second while planning (its UserRead quota is 120 by default;
    /// 50 leaves room for the account's other reads).
    #[arg(long, value_name = "RPS", default_value_t = 50.0, value_parser = positive_rate)]
    pub read_rate: f64,
    /// Destinations worked on at the same time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Confirm the batch under a production profile (config.toml) without typing the pool
    /// id.
    #[arg(long)]
    pub yes: bool,
    /// Progress file (default: FILE.progress.jsonl beside FILE, mode 0600); a re-run
    /// resumes from it.
    #[arg(long, value_name = "FILE")]
    pub progress: Option<PathBuf>,
    /// Before planning, scan the whole pool (16 partitions, at --list-rate) for users that
    /// already hold a source identity, so a source linked to a user who is not a
    /// destination in the file is skipped instead of refused by Cognito. Costs about one
    /// ListUsers request per 60 users (at least 16), stated before it runs. Without it the
    /// plan says the check was not done.
    #[arg(long)]
    pub check_holders: bool,
}

fn positive_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "must be a number of requests per second above 0, got {s:?}"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub enum LocalCommand {
    /// Sign an external identity in to a pool of a running local endpoint, as the hosted UI
    /// would: a linked identity signs in as the user it is linked to, another creates (or
    /// signs in as) its own user `<Provider>_<subject>`; the IdP's attribute mapping is
    /// applied. Needs --endpoint-url of a `coglink local serve` on loopback. coglink-only,
    /// not part of Cognito's API.
    SignIn {
        #[arg(long, value_name = "ID")]
        user_pool_id: String,
        /// The identity provider's name in the pool (e.g. Google, CorpSAML).
        #[arg(long, value_name = "NAME")]
        provider: String,
        /// The identity's subject at the provider (its `sub`, `id` or SAML NameID).
        #[arg(long, value_name = "ID")]
        subject: String,
        /// A claim the IdP sends, e.g. `--claim email=ann@example.com --claim
        /// email_verified=true` (repeatable).
        #[arg(long = "claim", value_name = "NAME=VALUE", value_parser = parse_claim)]
        claims: Vec<(String, String)>,
    },
    /// Serve the local endpoint until Ctrl-C (for `aws --endpoint-url` and other tools).
    Serve {
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 4599)]
        port: u16,
        /// State file (default: see Files below).
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// Seed a new state file with one pool, us-east-1_Synthetic, of N generated users
        /// instead of the demo pool: to try coglink at scale. The state file must not exist.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        synthetic_users: Option<u32>,
        /// With --synthetic-users: users like a production pool's (10 to 13 attributes, 12%
        /// federated, 8% with linked identities, 3% with a federated duplicate, a group).
        #[arg(long, requires = "synthetic_users")]
        realistic: bool,
        #[command(flatten)]
        sim: crate::cli::sim_args::SimulationArgs,
    },
}

fn parse_claim(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_states_the_listing_threshold_and_rate_the_code_uses() {
        use crate::aws::listing::PARTITION_FROM_USERS;
        let help = Cli::command().render_long_help().to_string();
        assert_eq!(PARTITION_FROM_USERS, 1_000, "update --listing's help");
        assert!(help.contains("reaches 1,000 users"), "{help}");
        assert_eq!(DEFAULT_LIST_RPS, 30.0, "update --list-rate's help");
        assert!(help.contains("(default: 30, the UserList quota"), "{help}");
        let local = GlobalArgs {
            local: true,
            ..Default::default()
        };
        assert_eq!(local.listing_settings().max_rps, None);
        assert_eq!(
            GlobalArgs::default().listing_settings().max_rps,
            Some(DEFAULT_LIST_RPS)
        );
    }

    #[test]
    fn snapshot_help_says_the_file_holds_personal_data_and_is_private() {
        let mut cmd = Cli::command();
        let snapshot = cmd.find_subcommand_mut("snapshot").unwrap();
        let help = snapshot.render_long_help().to_string();
        assert!(help.contains("personal data"), "{help}");
        assert!(help.contains("mode 0600"), "{help}");
    }

    #[test]
    fn the_cache_is_off_unless_asked_for_and_its_help_says_what_it_holds() {
        let cli = |args: &[&str]| Cli::try_parse_from([&["coglink"], args].concat()).unwrap();
        assert_eq!(cli(&[]).cache(), None);
        assert_eq!(cli(&["--cache"]).cache(), Some(true));
        assert_eq!(cli(&["--no-cache"]).cache(), Some(false));
        assert!(Cli::try_parse_from(["coglink", "--cache", "--no-cache"]).is_err());
        let help = Cli::command().render_long_help().to_string();
        // As one line: the help wraps to the terminal.
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains(
                "The files hold personal data (users' emails, phone numbers, names): off by default"
            ),
            "{help}"
        );
        assert!(help.contains("$XDG_CACHE_HOME/coglink/"), "{help}");
        assert!(
            help.contains("--no-cache Neither read nor write the cache"),
            "{help}"
        );
        match cli(&["cache", "clear", "--user-pool-id", "p_1"]).command {
            Some(Command::Cache(CacheCommand::Clear { user_pool_id })) => {
                assert_eq!(user_pool_id.as_deref(), Some("p_1"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn local_conflicts_with_profile() {
        assert!(Cli::try_parse_from(["coglink", "--local", "--profile", "p"]).is_err());
        let cli =
            Cli::try_parse_from(["coglink", "users", "--user-pool-id", "p_1", "--local"]).unwrap();
        assert!(cli.global.local);
    }

    #[test]
    fn skeleton_defaults_to_input() {
        let cli = Cli::try_parse_from(["coglink", "link", "--generate-cli-skeleton"]).unwrap();
        match cli.command {
            Some(Command::Link(a)) => {
                assert_eq!(a.request.generate_cli_skeleton, Some(SkeletonKind::Input))
            }
            other => panic!("{other:?}"),
        }
    }
}
