//! The real open_nsfw model (fetched by `scripts/fetch-models`) on real, freely licensed
//! photographs shipped by scikit-image (`models/samples/`, sources in `SOURCES.md`).

use pop_moderation::{
	model::OPEN_NSFW_FILE, models_dir, HashBank, Moderator, NsfwModel, Policy, Verdict,
};
use std::path::PathBuf;

fn samples() -> PathBuf {
	models_dir().join("samples")
}

fn sample(name: &str) -> Vec<u8> {
	let path = samples().join(format!("{name}.png"));
	std::fs::read(&path)
		.unwrap_or_else(|e| panic!("{}: {e} — run scripts/fetch-models", path.display()))
}

fn model() -> NsfwModel {
	NsfwModel::load(&models_dir().join(OPEN_NSFW_FILE), 1, 1).expect("scripts/fetch-models")
}

/// A policy under test whose threshold sits between real scores: the astronaut portrait
/// (0.023 here; 0.0318 in onnxruntime with Pillow's preprocessing) is rejected at 0.020, the
/// coffee cup (0.012; 0.0130) and every other sample are approved at 0.014.
fn test_policy() -> Policy {
	Policy { nsfw_threshold: 0.017, band: 0.003 }
}

#[test]
fn scores_match_onnxruntime_and_the_policy_splits_them() {
	let moderator = Moderator::new(model(), HashBank::new(10), test_policy()).unwrap();
	// onnxruntime's scores for the same model with the reference (Pillow) preprocessing; ours
	// uses the `image` crate's resize and JPEG codec, so they agree to within 0.01 (the JPEG
	// round trip moves scores most). On identical input tensors tract and onnxruntime agree far
	// closer: `scripts/bench-moderation` prints the difference.
	let reference = [
		("astronaut", 0.0318),
		("coffee", 0.0130),
		("camera", 0.0038),
		("rocket", 0.0005),
		("chelsea", 0.0001),
	];
	let mut scores = Vec::new();
	for (name, expected) in reference {
		let a = moderator.assess("image/png", &sample(name));
		let score = a.score.unwrap_or_else(|| panic!("{name}: {}", a.reason));
		println!("{name}: {score:.4} (onnxruntime {expected:.4}) → {:?}: {}", a.verdict, a.reason);
		assert!((score - expected).abs() < 0.01, "{name}: {score} vs {expected}");
		assert_eq!(a.model_hash, moderator.model_hash());
		scores.push((name, score, a.verdict));
	}
	assert_eq!(scores[0].2, Verdict::Reject, "astronaut is above the test threshold's band");
	for (name, _, verdict) in &scores[1..] {
		assert_eq!(*verdict, Verdict::Approve, "{name} is below the band");
	}
	assert!(moderator.assess("image/png", &sample("astronaut")).reason.contains("≥"));
	// The same image scores the same every time.
	let again = moderator.assess("image/png", &sample("astronaut")).score.unwrap();
	assert_eq!(again, scores[0].1);
	// Under the default policy (reject at 0.8, approve at 0.2) every sample is approved.
	let default = Moderator::new(model(), HashBank::new(10), Policy::default()).unwrap();
	for (name, ..) in reference {
		assert_eq!(default.assess("image/png", &sample(name)).verdict, Verdict::Approve, "{name}");
	}
}

#[test]
fn malformed_media_is_rejected_with_a_reason_and_scoring_goes_on() {
	let moderator = Moderator::new(model(), HashBank::new(10), test_policy()).unwrap();
	let png = sample("chelsea");
	let cases: Vec<(&str, Vec<u8>)> = vec![
		("garbage", b"definitely not an image".to_vec()),
		("truncated PNG", png[..png.len() / 3].to_vec()),
		("empty", Vec::new()),
		("PNG header only", png[..64].to_vec()),
	];
	for (what, bytes) in cases {
		let a = moderator.assess("image/png", &bytes);
		println!("{what}: {:?}: {}", a.verdict, a.reason);
		assert_eq!(a.verdict, Verdict::Reject, "{what}");
		assert!(a.reason.starts_with("malformed media:"), "{what}: {}", a.reason);
		assert!(a.score.is_none());
	}
	let a = moderator.assess("application/x-executable", &png);
	assert_eq!(a.verdict, Verdict::Reject);
	assert!(a.reason.contains("cannot be moderated"));
	// A picture labelled as video is no video; audio has no classifier yet.
	let a = moderator.assess("video/mp4", &png);
	assert_eq!(a.verdict, Verdict::Reject, "{}", a.reason);
	assert!(a.reason.starts_with("malformed media:"), "{}", a.reason);
	assert_eq!(moderator.assess("audio/ogg", &png).verdict, Verdict::NeedsReview);
	// The moderator still scores a good image afterwards.
	assert_eq!(moderator.assess("image/png", &png).verdict, Verdict::Approve);
}

#[test]
fn the_hash_bank_catches_copies_before_the_classifier() {
	let chelsea = image::load_from_memory(&sample("chelsea")).unwrap();
	let mut bank = HashBank::new(24);
	bank.add(&chelsea, "case-0001");
	// The bank survives being written and read back; a malformed line is named.
	let bank = HashBank::parse(&format!("# test bank\n\n{}", bank.to_text()), 24).unwrap();
	assert_eq!(bank.len(), 1);
	let err = HashBank::parse("AAAA-not-base64!! label\n", 24).err().unwrap();
	assert!(err.contains("line 1"), "{err}");

	let moderator = Moderator::new(model(), bank, test_policy()).unwrap();
	// A re-encoded, half-size copy still matches (19 of 256 bits differ; unrelated photographs
	// differ in over 100); the verdict sends it to people, not to a penalty.
	let smaller = chelsea.resize(
		chelsea.width() / 2,
		chelsea.height() / 2,
		image::imageops::FilterType::Triangle,
	);
	let mut jpeg = Vec::new();
	smaller
		.to_rgb8()
		.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
		.unwrap();
	for (what, bytes, media_type) in
		[("original", sample("chelsea"), "image/png"), ("half-size JPEG", jpeg, "image/jpeg")]
	{
		let a = moderator.assess(media_type, &bytes);
		println!("{what}: {:?}: {}", a.verdict, a.reason);
		assert_eq!(a.verdict, Verdict::NeedsReview, "{what}");
		assert!(a.reason.contains("case-0001"), "{what}: {}", a.reason);
	}
	// Other photographs do not match and go on to the classifier.
	for name in ["coffee", "rocket", "camera", "coins"] {
		let a = moderator.assess("image/png", &sample(name));
		assert!(a.score.is_some(), "{name}: {}", a.reason);
	}
}

#[test]
fn a_missing_model_or_bad_policy_is_a_clear_error() {
	let err =
		NsfwModel::load(std::path::Path::new("/nonexistent/open-nsfw.onnx"), 1, 1).err().unwrap();
	assert!(err.contains("scripts/fetch-models"), "{err}");
	let dir = std::env::temp_dir().join(format!("pop-moderation-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let bogus = dir.join("bogus.onnx");
	std::fs::write(&bogus, b"not a model").unwrap();
	assert!(NsfwModel::load(&bogus, 1, 1).err().unwrap().contains("cannot load the model"));
	std::fs::remove_dir_all(&dir).unwrap();
	let err = Moderator::new(model(), HashBank::new(0), Policy { nsfw_threshold: 0.1, band: 0.2 })
		.err()
		.unwrap();
	assert!(err.contains("policy"), "{err}");
}

/// Runs FFmpeg (installed by `scripts/setup`) to make a test video.
fn ffmpeg(args: &[&str]) {
	let out = std::process::Command::new("ffmpeg")
		.args(["-v", "error", "-y"])
		.args(args)
		.output()
		.expect("ffmpeg is installed (scripts/setup)");
	assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn video_is_judged_by_its_worst_sampled_frame() {
	let moderator = Moderator::new(model(), HashBank::new(10), test_policy()).unwrap();
	let dir = tempfile::tempdir().unwrap();
	let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
	let photo = |name: &str| samples().join(format!("{name}.png")).to_string_lossy().into_owned();
	// Lossless H.264 (4:4:4), 512×512, five frames a second: four seconds of the coffee cup,
	// then four of the astronaut.
	let encode = ["-r", "5", "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p"];
	let mut args = vec!["-loop", "1", "-t", "4", "-i"];
	let coffee = photo("coffee");
	args.push(&coffee);
	args.extend(["-vf", "scale=512:512,setsar=1"]);
	args.extend(encode);
	let calm = path("coffee.mp4");
	args.push(&calm);
	ffmpeg(&args);
	let astronaut = photo("astronaut");
	let mixed = path("mixed.mp4");
	let mut args = vec!["-loop", "1", "-t", "4", "-i", &coffee, "-loop", "1", "-t", "4", "-i"];
	args.push(&astronaut);
	args.extend([
		"-filter_complex",
		"[0]scale=512:512,setsar=1[a];[1]scale=512:512,setsar=1[b];[a][b]concat=n=2:v=1[v]",
		"-map",
		"[v]",
	]);
	args.extend(encode);
	args.push(&mixed);
	ffmpeg(&args);

	let a = moderator.assess("video/mp4", &std::fs::read(&calm).unwrap());
	println!("coffee video: {:?}: {}", a.verdict, a.reason);
	assert_eq!(a.verdict, Verdict::Approve, "{}", a.reason);
	assert!(a.reason.contains("worst of 4 frames"), "{}", a.reason);

	let bytes = std::fs::read(&mixed).unwrap();
	let a = moderator.assess("video/mp4", &bytes);
	println!("coffee then astronaut: {:?}: {}", a.verdict, a.reason);
	assert_eq!(a.verdict, Verdict::Reject, "{}", a.reason);
	let at: f64 = a
		.reason
		.strip_prefix("frame at ")
		.and_then(|r| r.split(' ').next())
		.and_then(|t| t.parse().ok())
		.unwrap_or_else(|| panic!("a frame time in {:?}", a.reason));
	assert!(at >= 4.0, "the rejected frame is the astronaut's: {}", a.reason);
	assert!(a.reason.contains("worst of 8 frames"), "{}", a.reason);

	// Half a video is malformed, and the moderator goes on.
	let a = moderator.assess("video/mp4", &bytes[..bytes.len() / 2]);
	println!("truncated video: {:?}: {}", a.verdict, a.reason);
	assert_eq!(a.verdict, Verdict::Reject);
	assert!(a.reason.starts_with("malformed media:"), "{}", a.reason);
	assert_eq!(
		moderator.assess("video/mp4", &std::fs::read(&calm).unwrap()).verdict,
		Verdict::Approve
	);
}
