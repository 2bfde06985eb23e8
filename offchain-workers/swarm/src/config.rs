//! Daemon settings from flags, the environment and a TOML file (`--config FILE`).
//!
//! Each key of the file is the long name of a flag (`chain-rpc = "http://127.0.0.1:9944"`,
//! `listen = ["/ip4/…", …]`, `prometheus-port = 9616`); a key no flag has is refused by name, so
//! a typo never passes silently. Each flag can also come from `POP_` and its long name in upper
//! snake case (`POP_CHAIN_RPC`, `POP_PROMETHEUS_PORT`, `POP_LISTEN=/ip4/…,/ip4/…`, switches as
//! `true`/`false`), as containers and systemd `Environment=` lines set them; this is also how the
//! secrets stay out of the process list (`POP_SURI`, `POP_MODERATION_SURI`).
//!
//! The command line wins over the environment, which wins over the file; values of a list flag
//! (`--listen`) add up.

use std::{ffi::OsString, path::Path};

/// The daemon's command line with the settings of `--config FILE` applied (see
/// [`with_config_file`]); a file that cannot be read, parsed or matched to flags ends the
/// process with status 2 and the reason, as a bad flag does.
pub fn parse_args<C: clap::Parser>(subcommand: Option<&str>) -> C {
	// The environment goes in first and the file in front of it, so that flags win over the
	// environment, which wins over the file.
	let args = with_environment(&C::command(), subcommand, std::env::args_os().collect(), |name| {
		std::env::var(name).ok()
	})
	.and_then(|args| with_config_file(&C::command(), subcommand, args));
	match args {
		Ok(args) => C::parse_from(args),
		Err(e) => {
			eprintln!("error: {e}");
			std::process::exit(2);
		}
	}
}

/// The command line `args` (program name first) with the settings of the TOML file named by
/// `--config` put in front of the flags, which therefore win. `command` is the daemon's clap
/// command; `subcommand`, if given, is the one the file configures (`run`).
pub fn with_config_file(
	command: &clap::Command,
	subcommand: Option<&str>,
	args: Vec<OsString>,
) -> Result<Vec<OsString>, String> {
	let Some(at) =
		args.iter().position(|a| a == "--config" || a.to_string_lossy().starts_with("--config="))
	else {
		return Ok(args);
	};
	let mut args = args;
	let flag = args.remove(at).to_string_lossy().into_owned();
	let path = match flag.strip_prefix("--config=") {
		Some(path) => path.to_string(),
		None if at < args.len() => args.remove(at).to_string_lossy().into_owned(),
		None => return Err("--config needs a file".into()),
	};
	let command = match subcommand {
		Some(name) => {
			command.find_subcommand(name).ok_or_else(|| format!("no subcommand {name}"))?
		}
		None => command,
	};
	let settings = settings(command, Path::new(&path))?;
	// After the program name, and after the subcommand's name if there is one.
	let insert_at = match subcommand {
		Some(name) => args.iter().position(|a| a == name).map_or(args.len(), |i| i + 1),
		None => 1,
	};
	args.splice(insert_at..insert_at, settings);
	Ok(args)
}

/// The command line `args` with the settings of the environment put right after the program
/// (and subcommand) name, before the flags; [`with_config_file`] afterwards puts the file's in
/// front of them. `env(name)` reads a variable.
pub fn with_environment(
	command: &clap::Command,
	subcommand: Option<&str>,
	mut args: Vec<OsString>,
	env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<OsString>, String> {
	let command = match subcommand {
		Some(name) => match command.find_subcommand(name) {
			Some(c) => c,
			None => return Ok(args),
		},
		None => command,
	};
	// Only for the subcommand the file configures, when it is the one being run.
	let insert_at = match subcommand {
		Some(name) => match args.iter().position(|a| a == name) {
			Some(i) => i + 1,
			None => return Ok(args),
		},
		None => 1,
	};
	let mut settings: Vec<OsString> = Vec::new();
	for arg in command.get_arguments() {
		let Some(long) = arg.get_long() else { continue };
		if long == "config" || long == "help" || long == "version" {
			continue;
		}
		let name = env_name(long);
		let Some(value) = env(&name) else { continue };
		match arg.get_action() {
			clap::ArgAction::SetTrue => match value.to_ascii_lowercase().as_str() {
				"1" | "true" | "yes" | "on" => settings.push(format!("--{long}").into()),
				"0" | "false" | "no" | "off" | "" => {}
				_ => return Err(format!("{name}={value:?}: must be true or false")),
			},
			clap::ArgAction::Append => {
				for item in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
					settings.push(format!("--{long}").into());
					settings.push(item.into());
				}
			}
			_ => {
				settings.push(format!("--{long}").into());
				settings.push(value.into());
			}
		}
	}
	args.splice(insert_at..insert_at, settings);
	Ok(args)
}

/// The environment variable of the flag `--long`: `POP_` and the name in upper snake case.
pub fn env_name(long: &str) -> String {
	format!("POP_{}", long.to_ascii_uppercase().replace('-', "_"))
}

/// The flags the file at `path` stands for.
fn settings(command: &clap::Command, path: &Path) -> Result<Vec<OsString>, String> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("config file {}: {e}", path.display()))?;
	let table: toml::Table =
		text.parse().map_err(|e| format!("config file {}: {e}", path.display()))?;
	let mut out = Vec::new();
	for (key, value) in table {
		let known = command
			.get_arguments()
			.any(|a| a.get_long() == Some(key.as_str()) && a.get_id() != "config");
		if !known {
			let mut names: Vec<&str> =
				command.get_arguments().filter_map(|a| a.get_long()).collect();
			names.sort();
			return Err(format!(
				"config file {}: unknown key `{key}` (known: {})",
				path.display(),
				names.join(", ")
			));
		}
		let flag = format!("--{key}");
		let one = |v: &toml::Value| -> Result<String, String> {
			match v {
				toml::Value::String(s) => Ok(s.clone()),
				toml::Value::Integer(i) => Ok(i.to_string()),
				toml::Value::Float(f) => Ok(f.to_string()),
				other => Err(format!(
					"config file {}: `{key}` must be a string or a number, not {}",
					path.display(),
					other.type_str()
				)),
			}
		};
		match &value {
			toml::Value::Boolean(true) => out.push(flag.into()),
			toml::Value::Boolean(false) => {}
			toml::Value::Array(items) => {
				for item in items {
					out.push(flag.clone().into());
					out.push(one(item)?.into());
				}
			}
			v => {
				out.push(flag.into());
				out.push(one(v)?.into());
			}
		}
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::{CommandFactory, Parser};

	#[derive(Parser, Debug)]
	#[command(args_override_self = true)]
	struct Daemon {
		#[arg(long)]
		config: Option<String>,
		#[arg(long)]
		chain_rpc: String,
		#[arg(long = "listen")]
		listen: Vec<String>,
		#[arg(long)]
		quiet: bool,
		#[arg(long, default_value_t = 1)]
		threads: u32,
	}

	fn parse(file: &str, args: &[&str]) -> Result<Daemon, String> {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("daemon.toml");
		std::fs::write(&path, file).unwrap();
		let mut argv: Vec<OsString> = vec!["daemon".into(), "--config".into(), path.into()];
		argv.extend(args.iter().map(OsString::from));
		let argv = with_config_file(&Daemon::command(), None, argv)?;
		Daemon::try_parse_from(argv).map_err(|e| e.to_string())
	}

	#[test]
	fn a_file_sets_flags_and_the_command_line_wins() {
		let d = parse(
			"chain-rpc = \"http://a:1\"\nlisten = [\"/x\", \"/y\"]\nquiet = true\nthreads = 4\n",
			&["--threads", "2"],
		)
		.unwrap();
		assert_eq!(d.chain_rpc, "http://a:1");
		assert_eq!(d.listen, ["/x", "/y"]);
		assert!(d.quiet);
		assert_eq!(d.threads, 2, "the command line wins");
	}

	fn parse_with_env(file: &str, env: &[(&str, &str)], args: &[&str]) -> Result<Daemon, String> {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("daemon.toml");
		std::fs::write(&path, file).unwrap();
		let mut argv: Vec<OsString> = vec!["daemon".into(), "--config".into(), path.into()];
		argv.extend(args.iter().map(OsString::from));
		let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
		let argv = with_environment(&Daemon::command(), None, argv, lookup)?;
		let argv = with_config_file(&Daemon::command(), None, argv)?;
		Daemon::try_parse_from(argv).map_err(|e| e.to_string())
	}

	#[test]
	fn the_environment_sits_between_the_file_and_the_command_line() {
		let env = [
			("POP_CHAIN_RPC", "http://env:2"),
			("POP_THREADS", "3"),
			("POP_QUIET", "true"),
			("POP_LISTEN", "/e1, /e2"),
		];
		let d = parse_with_env("chain-rpc = \"http://a:1\"\nthreads = 4\n", &env, &[]).unwrap();
		assert_eq!(d.chain_rpc, "http://env:2", "the environment wins over the file");
		assert_eq!(d.threads, 3);
		assert!(d.quiet);
		assert_eq!(d.listen, ["/e1", "/e2"]);
		let d =
			parse_with_env("", &env, &["--threads", "2", "--chain-rpc", "http://cli:3"]).unwrap();
		assert_eq!((d.chain_rpc.as_str(), d.threads), ("http://cli:3", 2), "the command line wins");
		let e =
			parse_with_env("", &[("POP_QUIET", "maybe"), ("POP_CHAIN_RPC", "x")], &[]).unwrap_err();
		assert!(e.contains("POP_QUIET") && e.contains("true or false"), "{e}");
		assert_eq!(env_name("prometheus-port"), "POP_PROMETHEUS_PORT");
	}

	#[test]
	fn an_unknown_key_is_refused_by_name() {
		let e = parse("chain-rpc = \"http://a:1\"\nchian-rpc = \"typo\"\n", &[]).unwrap_err();
		assert!(e.contains("unknown key `chian-rpc`"), "{e}");
	}

	#[test]
	fn a_malformed_file_says_where() {
		let e = parse("chain-rpc = \n", &[]).unwrap_err();
		assert!(e.contains("daemon.toml"), "{e}");
		let e = parse("chain-rpc = { a = 1 }\n", &[]).unwrap_err();
		assert!(e.contains("must be a string or a number"), "{e}");
	}
}
