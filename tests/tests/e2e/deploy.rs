//! The operator files under `deploy/`: the container image builds the four binaries and runs
//! them as an unprivileged user, and the systemd units are valid for the binaries built here.
//! (CI never runs `docker build`: base images cannot be pulled, and it would build the
//! workspace a second time.)

use pop_e2e::node::{release_bin, workspace_root};
use std::process::Command;

const BINARIES: [&str; 4] = ["pop-node", "pop-masternode", "pop-superdelegate", "pop"];

#[test]
fn the_dockerfile_is_multi_stage_ships_the_four_binaries_and_runs_as_a_user() {
	let text = std::fs::read_to_string(workspace_root().join("deploy/Dockerfile")).unwrap();
	let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.starts_with('#')).collect();
	let stages: Vec<usize> =
		lines.iter().enumerate().filter(|(_, l)| l.starts_with("FROM ")).map(|(i, _)| i).collect();
	assert!(stages.len() >= 2, "a build stage and a slim run stage: {stages:?}");
	let run_stage = &lines[*stages.last().unwrap()..];
	for bin in BINARIES {
		assert!(
			run_stage.iter().any(|l| l.starts_with("COPY --from=build")
				&& l.contains(&format!("/{bin} /usr/local/bin/{bin}"))),
			"the run stage copies {bin}"
		);
	}
	let user = run_stage
		.iter()
		.rev()
		.find_map(|l| l.strip_prefix("USER "))
		.expect("the run stage names a USER");
	assert!(!matches!(user.trim(), "root" | "0" | "0:0"), "runs as {user}, not root");
	assert!(
		run_stage.iter().any(|l| l.contains("useradd") && l.contains(user.trim())),
		"the user {user} is created in the run stage"
	);
	// The build uses the pinned toolchain and the committed lock file.
	let toolchain = std::fs::read_to_string(workspace_root().join("rust-toolchain.toml")).unwrap();
	let pinned = toolchain.lines().find_map(|l| l.strip_prefix("channel = ")).unwrap();
	assert!(text.contains(&format!("rust:{}", pinned.trim_matches('"'))), "rust {pinned}");
	assert!(text.contains("--locked"));
}

#[test]
fn the_systemd_units_verify_against_the_built_binaries() {
	let dir = workspace_root().join("deploy/systemd");
	let units: Vec<_> = std::fs::read_dir(&dir)
		.unwrap()
		.map(|e| e.unwrap().path())
		.filter(|p| p.extension().is_some_and(|e| e == "service"))
		.collect();
	assert_eq!(units.len(), 3, "pop-node, pop-masternode and pop-superdelegate: {units:?}");
	let tmp = tempfile::tempdir().unwrap();
	for unit in &units {
		let text = std::fs::read_to_string(unit).unwrap();
		let name = unit.file_name().unwrap().to_str().unwrap();
		for key in ["User=pop", "Restart=on-failure", "KillSignal=SIGTERM", "NoNewPrivileges=true"]
		{
			assert!(text.contains(key), "{name} sets {key}");
		}
		// Point ExecStart at the binaries built here, so that verify can check them.
		let mut local = text.clone();
		for bin in BINARIES {
			local = local.replace(
				&format!("/usr/local/bin/{bin} "),
				&format!("{} ", release_bin(bin).display()),
			);
		}
		assert_ne!(local, text, "{name} starts one of the binaries from /usr/local/bin");
		std::fs::write(tmp.path().join(name), local).unwrap();
	}
	let Ok(out) = Command::new("systemd-analyze")
		.arg("verify")
		.arg("--man=no")
		.args(units.iter().map(|u| tmp.path().join(u.file_name().unwrap())))
		.output()
	else {
		eprintln!("systemd-analyze is not installed here: checked the units' keys only");
		return;
	};
	let stderr = String::from_utf8_lossy(&out.stderr);
	// Only problems with our units count (the host's own units may be odd in a container).
	let ours: Vec<&str> = stderr
		.lines()
		.filter(|l| units.iter().any(|u| l.contains(u.file_name().unwrap().to_str().unwrap())))
		.collect();
	assert!(ours.is_empty(), "systemd-analyze verify: {}", ours.join("\n"));
}
