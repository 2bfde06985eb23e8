//! Turning scores into a discrete verdict. Scores differ in their last bits between machines,
//! so a band around each threshold yields needs review rather than a coin flip: replicas whose
//! scores straddle a threshold by less than the band all land on the same verdict.

use crate::Verdict;

/// Thresholds per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
	/// P(explicit) at and above which an image is rejected.
	pub nsfw_threshold: f32,
	/// Half-width of the needs-review band around the threshold.
	pub band: f32,
}

impl Default for Policy {
	/// open_nsfw's authors' guidance: above 0.8 explicit, below 0.2 safe; in between, people
	/// look.
	fn default() -> Self {
		Policy { nsfw_threshold: 0.5, band: 0.3 }
	}
}

impl Policy {
	/// Checks that the band leaves room on both sides.
	pub fn validate(&self) -> Result<(), String> {
		let (t, b) = (self.nsfw_threshold, self.band);
		if !(0.0..=1.0).contains(&t) || !(0.0..0.5).contains(&b) || t - b < 0.0 || t + b > 1.0 {
			return Err(format!(
				"policy: threshold {t} with band {b} must lie within 0..1 and leave both verdicts possible"
			));
		}
		Ok(())
	}

	/// The verdict and its reason for an explicit-content score.
	pub fn judge_nsfw(&self, score: f32) -> (Verdict, String) {
		let (t, b) = (self.nsfw_threshold, self.band);
		if !score.is_finite() {
			(Verdict::NeedsReview, format!("explicit-content score is not a number ({score})"))
		} else if score >= t + b {
			(Verdict::Reject, format!("explicit-content score {score:.4} ≥ {:.4}", t + b))
		} else if score <= t - b {
			(Verdict::Approve, format!("explicit-content score {score:.4} ≤ {:.4}", t - b))
		} else {
			(
				Verdict::NeedsReview,
				format!("explicit-content score {score:.4} within {b} of the threshold {t}"),
			)
		}
	}
}
