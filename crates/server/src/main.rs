//! `jmo-selfhelp-server`: reads its configuration from the environment and serves until SIGINT
//! or SIGTERM. `--help` lists the variables. `staff …` manages the staff accounts in the same
//! database (the same configuration) and exits.

use jmo_selfhelp_server::accounts::{self, ChangedBy, NewAccount, Refusal, StaffError, StoredPassword, Username};
use jmo_selfhelp_server::config::{Config, ENV_VARS};
use jmo_selfhelp_server::store::Store;
use std::io::{BufRead, IsTerminal, Read};
use std::process::ExitCode;

fn usage() -> String {
    let mut s = String::from(
        "jmo-selfhelp-server: JMO Self-Help complaint intake API and widget server\n\n\
         Usage: jmo-selfhelp-server [--help | --version | --generate-key]\n\
         \x20      jmo-selfhelp-server staff <command> ...   (staff accounts, below)\n\n\
         Configuration comes from environment variables (default in brackets):\n",
    );
    for (name, default, what) in ENV_VARS {
        s.push_str(&format!("  {name:<22} {what} [{default}]\n"));
    }
    s.push('\n');
    s.push_str(STAFF_USAGE);
    s.push_str("\nAPI description: GET /api/v1/openapi.json\n");
    s
}

const STAFF_USAGE: &str = "\
Staff accounts (in the database of DATABASE_URL; the same variables as the server):
  staff add <username> --name \"<display name>\" --role admin|supervisor|agent [--unit <unit>]
                             an agent needs a unit: it, back_office, digital, branch (or another code)
  staff list                 username, name, role, unit and state (active, locked, disabled)
  staff disable <username>   may no longer sign in
  staff enable <username>
  staff unlock <username>    clears a lock after repeated failed logins
  staff set-password <username>
  A password is asked twice on a terminal, or read as one line from standard input otherwise.
  It needs 12 to 128 characters, must not contain the username and must not be easy to guess.
";

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn main() -> ExitCode {
    let args: Vec<String> = match std::env::args_os().skip(1).map(|a| a.into_string()).collect() {
        Ok(args) => args,
        Err(bad) => {
            eprintln!("an argument is not valid UTF-8: {bad:?}");
            return ExitCode::from(2);
        }
    };
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some("--generate-key") => {
            // A new data key for DATA_KEY_FILE: 32 random bytes as 64 hex digits.
            println!("{}", jmo_selfhelp_server::crypto::generate_key());
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("jmo-selfhelp-server {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("staff") => return staff(&args[1..]),
        Some(other) => {
            eprintln!("unknown argument {other:?}\n\n{}", usage());
            return ExitCode::from(2);
        }
        None => {}
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt().json().flatten_event(true).with_current_span(false).with_env_filter(filter).init();

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "invalid configuration");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match jmo_selfhelp_server::start(config, shutdown_signal()).await {
            Ok(running) => {
                let store = running.store.clone();
                let result = running.wait().await;
                store.close().await;
                match result {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        tracing::error!(error = %e, "server failed");
                        ExitCode::FAILURE
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot start");
                ExitCode::FAILURE
            }
        }
    })
}

/// A `staff` command, its arguments checked.
enum StaffCommand {
    Add(NewAccount),
    List,
    Disable(Username),
    Enable(Username),
    Unlock(Username),
    SetPassword(Username),
}

/// Why a `staff` command did not do what it was asked.
enum CliError {
    /// The command line itself is wrong: exit code 2, with the usage.
    Usage(String),
    /// A rule said no (a weak password, a taken username…): exit code 1.
    Refused(Refusal),
    /// Configuration, database or terminal trouble: exit code 1 (2 for the configuration).
    Failed(String, u8),
}

impl From<Refusal> for CliError {
    fn from(r: Refusal) -> Self {
        CliError::Refused(r)
    }
}

impl From<StaffError> for CliError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::Refused(r) => CliError::Refused(r),
            StaffError::Database(e) => CliError::Failed(format!("database: {e}"), 1),
        }
    }
}

impl From<jmo_selfhelp_server::store::DbError> for CliError {
    fn from(e: jmo_selfhelp_server::store::DbError) -> Self {
        CliError::Failed(format!("database: {e}"), 1)
    }
}

/// `jmo-selfhelp-server staff …`: exit code 0 when done, 1 when refused or failed, 2 for a
/// wrong command line or configuration. Messages go to standard error, the list to standard
/// output; no password or hash is ever printed.
fn staff(args: &[String]) -> ExitCode {
    if matches!(args.first().map(String::as_str), None | Some("-h" | "--help" | "help")) {
        print!("{STAFF_USAGE}");
        return if args.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    let result = parse_staff_command(args).and_then(|command| {
        // Warnings only by default (RUST_LOG overrides), as text on standard error.
        let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).init();
        let config = Config::from_env().map_err(|e| CliError::Failed(format!("invalid configuration: {e}"), 2))?;
        if let Some(file) = &config.clock_file {
            jmo_selfhelp_server::clock::use_offset_file(file.clone());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::Failed(format!("cannot start the async runtime: {e}"), 1))?;
        runtime.block_on(async {
            let store = jmo_selfhelp_server::open_store(&config).await.map_err(|e| CliError::Failed(format!("cannot open {}: {e}", config.database_description()), 1))?;
            let result = run_staff_command(&store, command).await;
            store.close().await;
            result
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(why)) => {
            eprintln!("{why}\n\n{STAFF_USAGE}");
            ExitCode::from(2)
        }
        Err(CliError::Refused(refusal)) => {
            let (id, en) = refusal.message();
            eprintln!("refused ({}): {en}\n  {id}", refusal.code());
            ExitCode::FAILURE
        }
        Err(CliError::Failed(why, code)) => {
            eprintln!("error: {why}");
            ExitCode::from(code)
        }
    }
}

fn parse_staff_command(args: &[String]) -> Result<StaffCommand, CliError> {
    let (command, rest) = args.split_first().ok_or_else(|| CliError::Usage("staff: which command?".into()))?;
    let mut positional = Vec::new();
    let mut options: Vec<(&str, &str)> = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let Some(option) = arg.strip_prefix("--") else {
            positional.push(arg.as_str());
            continue;
        };
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name, value),
            None => (option, rest.next().map(String::as_str).ok_or_else(|| CliError::Usage(format!("--{option} needs a value")))?),
        };
        if options.iter().any(|(n, _)| *n == name) {
            return Err(CliError::Usage(format!("--{name} is given twice")));
        }
        options.push((name, value));
    }
    let allowed: &[&str] = if command == "add" { &["name", "role", "unit"] } else { &[] };
    if let Some((name, _)) = options.iter().find(|(n, _)| !allowed.contains(n)) {
        return Err(CliError::Usage(format!("staff {command}: unknown option --{name}")));
    }
    let option = |name: &str| options.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let username = || match positional.as_slice() {
        [one] => Ok(Username::parse(one)?),
        [] => Err(CliError::Usage(format!("staff {command}: which username?"))),
        _ => Err(CliError::Usage(format!("staff {command}: one username only (quote a display name with spaces)"))),
    };
    Ok(match command.as_str() {
        "add" => {
            let username = username()?;
            let name = option("name").ok_or_else(|| CliError::Usage("staff add: --name \"<display name>\" is required".into()))?;
            let role = option("role").ok_or_else(|| CliError::Usage("staff add: --role admin|supervisor|agent is required".into()))?;
            StaffCommand::Add(NewAccount::new(username.as_str(), name, role, option("unit"))?)
        }
        "list" if positional.is_empty() => StaffCommand::List,
        "list" => return Err(CliError::Usage("staff list takes no arguments".into())),
        "disable" => StaffCommand::Disable(username()?),
        "enable" => StaffCommand::Enable(username()?),
        "unlock" => StaffCommand::Unlock(username()?),
        "set-password" => StaffCommand::SetPassword(username()?),
        other => return Err(CliError::Usage(format!("staff: unknown command {other:?}"))),
    })
}

async fn run_staff_command(store: &Store, command: StaffCommand) -> Result<(), CliError> {
    let now = jmo_selfhelp_server::clock::now();
    match command {
        StaffCommand::Add(account) => {
            // Before asking for a password that could not be used.
            if store.staff_account(&account.username).await?.is_some() {
                return Err(Refusal(accounts::codes::USERNAME_TAKEN).into());
            }
            if let Some(unit) = account.unit.as_ref().filter(|u| !u.is_known()) {
                eprintln!("note: unit {:?} is not one of {}; check the spelling", unit.as_str(), accounts::KNOWN_UNITS.join(", "));
            }
            let password = new_password(&account.username, &account.display_name)?;
            let added = store.add_staff_account(&account, &password, now, ChangedBy::CLI).await?;
            let unit = added.unit.as_ref().map_or(String::new(), |u| format!(", unit {}", u.as_str()));
            eprintln!("added {} ({}{unit})", added.username, added.role.as_str());
        }
        StaffCommand::List => {
            let accounts = store.staff_accounts().await?;
            if accounts.is_empty() {
                eprintln!("no staff accounts yet; add the first admin with: jmo-selfhelp-server staff add <username> --name \"<display name>\" --role admin");
                return Ok(());
            }
            let rows: Vec<[String; 5]> = accounts
                .iter()
                .map(|a| {
                    let unit = a.unit.as_ref().map_or("-", |u| u.as_str());
                    [a.username.to_string(), a.display_name.clone(), a.role.as_str().into(), unit.into(), a.state(now.unix()).as_str().into()]
                })
                .collect();
            print!("{}", table(["username", "name", "role", "unit", "state"], &rows));
        }
        StaffCommand::Disable(username) => {
            store.disable_staff_account(&username, now, ChangedBy::CLI).await?;
            eprintln!("disabled {username}");
        }
        StaffCommand::Enable(username) => {
            store.enable_staff_account(&username, now, ChangedBy::CLI).await?;
            eprintln!("enabled {username}");
        }
        StaffCommand::Unlock(username) => {
            store.unlock_staff_account(&username, now, ChangedBy::CLI).await?;
            eprintln!("unlocked {username}");
        }
        StaffCommand::SetPassword(username) => {
            let (account, _) = store.staff_account(&username).await?.ok_or(Refusal(accounts::codes::ACCOUNT_UNKNOWN))?;
            let password = new_password(&account.username, &account.display_name)?;
            store.set_staff_password(&username, &password, now, ChangedBy::CLI).await?;
            eprintln!("new password set for {username}");
        }
    }
    Ok(())
}

/// Columns padded to their widest cell, in characters.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; N]| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header);
    for row in rows {
        out.push_str(&line(std::array::from_fn(|i| row[i].as_str())));
    }
    out
}

/// The new password, checked against the policy and hashed: typed twice without echo on a
/// terminal, or one line of standard input (scripts, tests). There is no default.
fn new_password(username: &Username, display_name: &str) -> Result<StoredPassword, CliError> {
    let password = if std::io::stdin().is_terminal() {
        let ask = |prompt: &str| rpassword::prompt_password(prompt).map_err(|e| CliError::Failed(format!("reading the password: {e}"), 1));
        let first = ask(&format!("New password for {username}: "))?;
        accounts::check_password(&first, username, display_name)?;
        if ask("The same password again: ")? != first {
            return Err(Refusal(accounts::codes::PASSWORDS_DIFFER).into());
        }
        first
    } else {
        // One line; more than the longest password allowed is refused by the policy, not read on.
        let mut line = String::new();
        let limit = 4 * accounts::MAX_PASSWORD_CHARS as u64 + 2;
        std::io::stdin().lock().take(limit).read_line(&mut line).map_err(|e| CliError::Failed(format!("reading the password from standard input: {e}"), 1))?;
        if line.len() as u64 == limit && !line.ends_with('\n') {
            return Err(Refusal(accounts::codes::PASSWORD_TOO_LONG).into());
        }
        let password = line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).unwrap_or(&line).to_string();
        if password.is_empty() {
            return Err(CliError::Failed("no password on standard input (give it as one line)".into(), 1));
        }
        password
    };
    accounts::check_password(&password, username, display_name)?;
    StoredPassword::hash(&password).map_err(|e| CliError::Failed(e, 1))
}
