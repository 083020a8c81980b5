//! Reads texts, one per line, from stdin; prints for each two lines: the byte offsets of the
//! line-break opportunities typst 0.15.1 uses (icu_segmenter 2.2.0, LSTM model), prefixed
//! `lstm`, and those of the ICU dictionary segmenter (its Khmer word list), prefixed `dict`.

use std::io::{BufRead, Write};

use icu_segmenter::{options::LineBreakOptions, LineSegmenter};

fn main() {
    let lstm = LineSegmenter::new_lstm(LineBreakOptions::default());
    let dict = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let text = line.expect("stdin");
        for (name, points) in [
            ("lstm", lstm.segment_str(&text).collect::<Vec<_>>()),
            ("dict", dict.segment_str(&text).collect::<Vec<_>>()),
        ] {
            let points: Vec<String> = points.iter().map(usize::to_string).collect();
            writeln!(out, "{name} {}", points.join(" ")).expect("stdout");
        }
    }
}
