//! A sidecar process of the test network (`pop-masternode`, `pop-superdelegate`): started with
//! its own base path, logging to a file there, killed when dropped (the end of its log printed
//! if the test is failing), and restartable with the same base path.

use crate::node::release_bin;
use std::{
	fs::File,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
};

/// A running daemon.
pub struct Daemon {
	child: Option<Child>,
	base: tempfile::TempDir,
	program: PathBuf,
	args: Vec<String>,
	env: Vec<(String, String)>,
	/// A name for its log.
	pub name: String,
}

impl Daemon {
	/// Starts `bin` with `args(base path)`, logging to `<base>/daemon.log`.
	pub fn start(bin: &'static str, name: &str, args: impl FnOnce(&Path) -> Vec<String>) -> Daemon {
		Self::start_with_env(bin, name, Vec::new(), args)
	}

	/// Starts `program`, found on the `PATH` (`node`, for the web app's server), as
	/// [`Daemon::start`] does a binary of the workspace.
	pub fn start_program(
		program: &str,
		name: &str,
		args: impl FnOnce(&Path) -> Vec<String>,
	) -> Daemon {
		Self::spawn_new(program.into(), program, name, Vec::new(), args)
	}

	/// Starts `bin` with `args(base path)` and the environment variables `env` (settings an
	/// operator gives as `POP_*` variables), logging to `<base>/daemon.log`.
	pub fn start_with_env(
		bin: &'static str,
		name: &str,
		env: Vec<(String, String)>,
		args: impl FnOnce(&Path) -> Vec<String>,
	) -> Daemon {
		Self::spawn_new(release_bin(bin), bin, name, env, args)
	}

	fn spawn_new(
		program: PathBuf,
		prefix: &str,
		name: &str,
		env: Vec<(String, String)>,
		args: impl FnOnce(&Path) -> Vec<String>,
	) -> Daemon {
		let base =
			tempfile::Builder::new().prefix(&format!("{prefix}-")).tempdir().expect("temp dir");
		let args = args(base.path());
		let mut d = Daemon { child: None, base, program, args, env, name: name.into() };
		d.spawn();
		d
	}

	/// Its base path.
	pub fn base_path(&self) -> &Path {
		self.base.path()
	}

	/// The file its output goes to.
	pub fn log_path(&self) -> PathBuf {
		self.base.path().join("daemon.log")
	}

	/// Its log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.log_path()).unwrap_or_default()
	}

	fn spawn(&mut self) {
		assert!(self.child.is_none(), "{} already running", self.name);
		let log = File::options().create(true).append(true).open(self.log_path()).expect("log");
		let mut cmd = Command::new(&self.program);
		cmd.args(&self.args);
		cmd.env("RUST_LOG", "info,masternode=debug");
		cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
		cmd.stdin(Stdio::null()).stdout(log.try_clone().expect("log handle")).stderr(log);
		self.child = Some(cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}")));
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none())
	}

	/// Kills it (SIGKILL: no clean shutdown).
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Asks it to stop with SIGTERM, as systemd and `docker stop` do, and waits up to
	/// `timeout` for it to exit; returns how it exited (`None` if it had to be killed).
	pub fn terminate(&mut self, timeout: std::time::Duration) -> Option<std::process::ExitStatus> {
		let mut child = self.child.take()?;
		let sent = Command::new("kill")
			.args(["-TERM", &child.id().to_string()])
			.status()
			.is_ok_and(|s| s.success());
		assert!(sent, "could not send SIGTERM to {}", self.name);
		let start = std::time::Instant::now();
		while start.elapsed() < timeout {
			if let Ok(Some(status)) = child.try_wait() {
				return Some(status);
			}
			std::thread::sleep(std::time::Duration::from_millis(100));
		}
		let _ = child.kill();
		let _ = child.wait();
		None
	}

	/// Starts it again with the same arguments and base path.
	pub fn restart(&mut self) {
		self.kill();
		self.spawn();
	}
}

/// The sum of every series of the Prometheus metric `name` a daemon serves on `port` (its
/// `--prometheus-port`), or `None` if the endpoint does not answer or has no such metric.
pub fn metric(port: u16, name: &str) -> Option<f64> {
	let text =
		ureq::get(&format!("http://127.0.0.1:{port}/metrics")).call().ok()?.into_string().ok()?;
	let values: Vec<f64> = text
		.lines()
		.filter(|l| !l.starts_with('#'))
		.filter(|l| l.split(['{', ' ']).next() == Some(name))
		.filter_map(|l| l.rsplit(' ').next()?.parse().ok())
		.collect();
	(!values.is_empty()).then(|| values.iter().sum())
}

impl Drop for Daemon {
	fn drop(&mut self) {
		self.kill();
		if std::thread::panicking() {
			let log = self.log();
			let tail: Vec<&str> = log.lines().rev().take(40).collect();
			eprintln!(
				"--- last lines of {} ---\n{}",
				self.name,
				tail.into_iter().rev().collect::<Vec<_>>().join("\n")
			);
		}
	}
}
