//! Bad input gets a clear error and changes nothing: the `pop` CLI with a malformed id, key,
//! URL or file; a daemon whose chain node cannot be reached; a config file with a typo.

use pop_e2e::{
	daemon::Daemon,
	node::{free_port, release_bin},
	wait_for,
};
use std::{process::Command, time::Duration};

const ID: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";
const KEY: &str = "2222222222222222222222222222222222222222222222222222222222222222";

/// Runs `pop` with `args`; it must fail, and its error must say `why`.
fn pop_refuses(args: &[&str], why: &str) {
	let out = Command::new(release_bin("pop")).args(args).output().expect("pop runs");
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(!out.status.success(), "pop {args:?} should fail");
	assert!(stderr.contains(why), "pop {args:?} says {why:?}; it said: {stderr}");
}

#[test]
fn the_cli_names_what_is_wrong_and_exits_non_zero() {
	let dir = tempfile::tempdir().unwrap();
	let out = dir.path().join("out.bin");
	let out = out.to_str().unwrap();
	// No node is needed to find these wrong.
	pop_refuses(&["fetch", "0x12zz", "--key", KEY, "-o", out], "the content id is not hex");
	pop_refuses(&["fetch", "0x1234", "--key", KEY, "-o", out], "the content id must be 32 bytes");
	pop_refuses(&["fetch", ID, "--key", "beef", "-o", out], "the key must be 32 bytes");
	pop_refuses(&["status", "not-an-id"], "the content id is not hex");
	let missing = dir.path().join("no-such-file.mp4");
	pop_refuses(
		&["upload", missing.to_str().unwrap(), "--suri", "//Bob"],
		"no-such-file.mp4: No such file",
	);
	pop_refuses(&["upload", "Cargo.toml", "--suri", "not a secret"], "bad secret URI");
	// A node that is not there, and a URL that is not one.
	let dead = format!("http://127.0.0.1:{}", free_port());
	pop_refuses(&["--chain-rpc", &dead, "status", ID], "Connection refused");
	pop_refuses(&["--chain-rpc", "not a url", "status", ID], "not a url");
	pop_refuses(&["--output", "yaml", "status", ID], "invalid value 'yaml'");
	assert!(!std::path::Path::new(out).exists(), "nothing was written");
}

#[test]
fn a_daemon_without_its_node_keeps_trying_and_says_so() {
	let dead = format!("http://127.0.0.1:{}", free_port());
	let mut daemon = Daemon::start("pop-masternode", "masternode without a node", |base| {
		[
			"run",
			"--chain-rpc",
			&dead,
			"--suri",
			"//Alice",
			"--base-path",
			&base.join("data").to_string_lossy(),
			"--listen",
			&format!("/ip4/127.0.0.1/tcp/{}", free_port()),
		]
		.map(String::from)
		.into()
	});
	let line = format!("waiting for the chain node at {dead}");
	wait_for(Duration::from_secs(60), "two attempts logged", || {
		(daemon.log().matches(&line).count() >= 2).then_some(())
	});
	assert!(daemon.is_running(), "it keeps trying instead of exiting");
	let status = daemon.terminate(Duration::from_secs(10));
	assert!(
		status.is_some_and(|s| s.success()),
		"a clean stop on SIGTERM while waiting: {status:?}"
	);
	assert!(daemon.log().contains("SIGTERM: stopping before the chain node answered"));
}

#[test]
fn a_config_file_with_an_unknown_key_is_refused_by_name() {
	let dir = tempfile::tempdir().unwrap();
	let config = dir.path().join("masternode.toml");
	std::fs::write(&config, "region = \"DE\"\nchian-rpc = \"http://127.0.0.1:9944\"\n").unwrap();
	let out = Command::new(release_bin("pop-masternode"))
		.args(["run", "--config", config.to_str().unwrap(), "--base-path"])
		.arg(dir.path().join("data"))
		.args(["--listen", "/ip4/127.0.0.1/tcp/0"])
		.output()
		.unwrap();
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(2), "refused before starting: {stderr}");
	assert!(stderr.contains("unknown key `chian-rpc`"), "{stderr}");
	assert!(!dir.path().join("data").exists(), "nothing was created");

	let config = dir.path().join("superdelegate.toml");
	std::fs::write(&config, "nsfw-treshold = 0.2\n").unwrap();
	let out = Command::new(release_bin("pop-superdelegate"))
		.args(["--config", config.to_str().unwrap()])
		.output()
		.unwrap();
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(2), "{stderr}");
	assert!(stderr.contains("unknown key `nsfw-treshold`"), "{stderr}");
}
