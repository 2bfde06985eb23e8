//! # Content scoring for the moderation set
//!
//! What one superdelegate concludes about one piece of media, before the set agrees on it
//! (`pop-pbft`):
//!
//! 1. **Decode** with bounded memory; media that does not decode is rejected with the
//!    decoder's reason.
//! 2. **Hash bank**: a blockhash within a few bits of a known-bad entry sends it to people
//!    ([`Verdict::NeedsReview`]) — a list match alone never rejects for good.
//! 3. **Classifier**: open_nsfw via tract-onnx, preprocessed exactly as it was trained
//!    ([`preprocess`]); the [`Policy`] turns P(explicit) into approve, reject or needs review,
//!    with a band around the threshold so that replicas whose scores differ in the last bits
//!    still agree.
//!
//! Video is sampled into frames ([`video`], FFmpeg), each checked as an image; the worst frame
//! decides. Audio has no classifier yet: people must listen.
//!
//! Every [`Assessment`] carries the model hash (model file + preprocessing version), so anyone
//! holding the media and the model can reproduce the score.

pub mod hashbank;
pub mod model;
pub mod policy;
pub mod preprocess;
pub mod video;

pub use hashbank::{HashBank, Match};
pub use model::NsfwModel;
pub use policy::Policy;
pub use pop_primitives::content::{ModelHash, Verdict};

/// One superdelegate's conclusion on one piece of media.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
	/// The discrete verdict this replica votes for.
	pub verdict: Verdict,
	/// Why, in words an operator or a creator can read.
	pub reason: String,
	/// P(explicit), when the classifier ran.
	pub score: Option<f32>,
	/// The model and preprocessing behind it.
	pub model_hash: ModelHash,
}

/// Scores media with one loaded model, bank and policy.
pub struct Moderator {
	model: NsfwModel,
	bank: HashBank,
	policy: Policy,
}

impl Moderator {
	/// A moderator; the policy is checked.
	pub fn new(model: NsfwModel, bank: HashBank, policy: Policy) -> Result<Self, String> {
		policy.validate()?;
		if model.batch() != 1 {
			return Err(
				"the moderator scores one image at a time: load the model with batch 1".into()
			);
		}
		Ok(Moderator { model, bank, policy })
	}

	/// The model hash verdicts are bound to.
	pub fn model_hash(&self) -> ModelHash {
		self.model.hash()
	}

	/// The policy in force.
	pub fn policy(&self) -> &Policy {
		&self.policy
	}

	/// Assesses `media` of `media_type` (as registered in the manifest).
	pub fn assess(&self, media_type: &str, media: &[u8]) -> Assessment {
		let model_hash = self.model.hash();
		let done =
			|verdict, reason: String, score| Assessment { verdict, reason, score, model_hash };
		match media_type.split('/').next().unwrap_or("") {
			"image" => {
				let image = match preprocess::decode(media) {
					Ok(image) => image,
					Err(e) => return done(Verdict::Reject, format!("malformed media: {e}"), None),
				};
				let (verdict, reason, score) = self.assess_image(&image);
				done(verdict, reason, score)
			}
			"video" => {
				if !video::available() {
					return done(
						Verdict::NeedsReview,
						"no video decoder (ffmpeg) on this sidecar, people must look".into(),
						None,
					);
				}
				let frames = match video::sample(media) {
					Ok(frames) => frames,
					Err(e) => return done(Verdict::Reject, format!("malformed media: {e}"), None),
				};
				// The worst frame decides: reject over needs review over approve.
				let rank = |v: Verdict| match v {
					Verdict::Approve => 0,
					Verdict::NeedsReview => 1,
					Verdict::Reject => 2,
				};
				let mut worst: Option<(Verdict, String, Option<f32>)> = None;
				let count = frames.len();
				for frame in frames {
					let (verdict, reason, score) = self.assess_image(&frame.image);
					let worse = worst.as_ref().is_none_or(|(v, _, s)| {
						rank(verdict) > rank(*v)
							|| (rank(verdict) == rank(*v)
								&& score.unwrap_or(0.0) > s.unwrap_or(0.0))
					});
					if worse {
						worst =
							Some((verdict, format!("frame at {:.1} s: {reason}", frame.at), score));
					}
				}
				let (verdict, reason, score) = worst.expect("at least one frame");
				done(verdict, format!("{reason} (worst of {count} frames)"), score)
			}
			"audio" => done(
				Verdict::NeedsReview,
				format!("{media_type}: no classifier for audio yet, people must listen"),
				None,
			),
			_ => done(
				Verdict::Reject,
				format!("media type {media_type:?} cannot be moderated"),
				None,
			),
		}
	}

	/// The bank, then the classifier and the policy, on one picture.
	fn assess_image(&self, image: &image::DynamicImage) -> (Verdict, String, Option<f32>) {
		if let Some(m) = self.bank.check(image) {
			return (
				Verdict::NeedsReview,
				format!(
					"matches known-bad hash {:?} ({} of 256 bits differ): people must confirm",
					m.label, m.distance
				),
				None,
			);
		}
		match preprocess::open_nsfw_input(image).and_then(|x| self.model.score(x)) {
			Ok(s) => {
				let (verdict, reason) = self.policy.judge_nsfw(s[0]);
				(verdict, reason, Some(s[0]))
			}
			Err(e) => (Verdict::NeedsReview, format!("scoring failed: {e}"), None),
		}
	}
}

/// The folder models are fetched into: `$POP_MODELS`, else `models/` at the workspace root.
pub fn models_dir() -> std::path::PathBuf {
	std::env::var_os("POP_MODELS")
		.map(Into::into)
		.unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
}
