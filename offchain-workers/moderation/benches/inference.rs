//! tract-onnx inference on open_nsfw: latency at batch 1 on one and on all threads, and
//! throughput with batched frames. Run by `scripts/bench-moderation`, which runs onnxruntime
//! on the same model and the same input tensors and prints the ratios.
//!
//! Inputs: `$POP_BENCH_INPUTS` (a folder of `<name>.f32` tensors dumped by
//! `scripts/ort-baseline.py`), so both runtimes see identical bytes; prints one JSON line per
//! configuration and one `score <name> <value>` line per input.

use pop_moderation::{model::OPEN_NSFW_FILE, models_dir, NsfwModel};
use std::time::Instant;
use tract_onnx::prelude::Tensor;

fn main() {
	let dir = std::env::var("POP_BENCH_INPUTS").expect("POP_BENCH_INPUTS: folder of .f32 tensors");
	let runs: usize =
		std::env::var("POP_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
	let mut inputs: Vec<(String, Vec<f32>)> = std::fs::read_dir(&dir)
		.expect("inputs folder")
		.filter_map(|e| e.ok())
		.filter(|e| e.path().extension().is_some_and(|x| x == "f32"))
		.map(|e| {
			let bytes = std::fs::read(e.path()).unwrap();
			let floats =
				bytes.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect();
			(e.path().file_stem().unwrap().to_string_lossy().into_owned(), floats)
		})
		.collect();
	inputs.sort_by(|a, b| a.0.cmp(&b.0));
	assert!(!inputs.is_empty(), "no .f32 inputs in {dir}");
	let path = models_dir().join(OPEN_NSFW_FILE);
	let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);

	for threads in [1, cores] {
		let model = NsfwModel::load(&path, 1, threads).expect("model");
		let mut latencies = Vec::new();
		for (name, x) in &inputs {
			let tensor = Tensor::from_shape(&[1, 224, 224, 3], x).unwrap();
			let score = model.score(tensor.clone()).unwrap()[0];
			if threads == 1 {
				println!("score {name} {score:.6}");
			}
			for _ in 0..runs {
				let t = Instant::now();
				model.score(tensor.clone()).unwrap();
				latencies.push(t.elapsed().as_secs_f64());
			}
		}
		report(threads, 1, &mut latencies);
		if threads == 1 && cores == 1 {
			break;
		}
	}

	// Frames of a video are scored in batches.
	let batch = 4;
	let model = NsfwModel::load(&path, batch, cores).expect("model");
	let mut stacked = Vec::new();
	for i in 0..batch {
		stacked.extend_from_slice(&inputs[i % inputs.len()].1);
	}
	let tensor = Tensor::from_shape(&[batch, 224, 224, 3], &stacked).unwrap();
	model.score(tensor.clone()).unwrap();
	let mut latencies = Vec::new();
	for _ in 0..runs.max(5) {
		let t = Instant::now();
		model.score(tensor.clone()).unwrap();
		latencies.push(t.elapsed().as_secs_f64());
	}
	report(cores, batch, &mut latencies);
}

fn report(threads: usize, batch: usize, latencies: &mut [f64]) {
	latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
	let median = latencies[latencies.len() / 2];
	let total: f64 = latencies.iter().sum();
	println!(
		"{{\"runtime\":\"tract-onnx 0.23.9\",\"threads\":{threads},\"batch\":{batch},\"latency_ms_median\":{:.3},\"throughput_per_s\":{:.2}}}",
		median * 1e3,
		(latencies.len() * batch) as f64 / total
	);
}
