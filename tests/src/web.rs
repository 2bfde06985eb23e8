//! The web app (`web/dist`, built by `scripts/build-web`) served by `vite preview`, and the
//! page scripts in `web/tests/` that drive it in Debian's Chromium.

use crate::{
	daemon::Daemon,
	node::{free_port, workspace_root},
	wait_for,
};
use std::{process::Command, time::Duration};

/// `vite preview` of `web/dist` on a free loopback port; returns it and its URL.
pub fn serve_web() -> (Daemon, String) {
	let web = workspace_root().join("web");
	assert!(
		web.join("dist/watch.html").exists() && web.join("node_modules/.bin/vite").exists(),
		"the web app is not built: run scripts/build-web (scripts/test does)"
	);
	let port = free_port();
	let vite = web.join("node_modules/vite/bin/vite.js");
	let daemon = Daemon::start_program("node", "vite preview", |_| {
		vec![
			vite.to_string_lossy().into_owned(),
			"preview".into(),
			web.to_string_lossy().into_owned(),
			"--host".into(),
			"127.0.0.1".into(),
			"--port".into(),
			port.to_string(),
			"--strictPort".into(),
		]
	});
	let url = format!("http://127.0.0.1:{port}");
	wait_for(Duration::from_secs(180), "the web app served", || {
		ureq::get(&format!("{url}/watch.html")).call().ok().map(|_| ())
	});
	(daemon, url)
}

/// Runs `web/tests/<script>` with `POP_MODE` = `mode` and `envs`; returns the JSON report it
/// printed last, asserting that it exited cleanly with `"ok": true`.
pub fn page_test(script: &str, mode: &str, envs: &[(&str, String)]) -> serde_json::Value {
	let web = workspace_root().join("web");
	let out = Command::new("node")
		.current_dir(&web)
		.arg(format!("tests/{script}"))
		.env("POP_MODE", mode)
		.envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
		.output()
		.expect("run node (Node.js); scripts/setup installs it");
	let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
	let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
	println!("{mode}: {stdout}\n{stderr}");
	let report: serde_json::Value = stdout
		.lines()
		.rev()
		.find_map(|l| serde_json::from_str(l).ok())
		.unwrap_or_else(|| panic!("{script} {mode} printed no report: {stdout}\n{stderr}"));
	assert!(out.status.success() && report["ok"] == true, "{script}, {mode}: {report:#}");
	report
}
