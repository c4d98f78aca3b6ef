//! Bulk exchange of the network as JSON Lines: one record a line, a `type` field, records
//! referring to each other by id. Import, export and the generator share this format.

mod export;
mod import;
mod records;

pub use export::{ExportSummary, export};
pub use import::{ImportError, ImportOptions, ImportPlan, ImportSummary, import, plan, read_records, write_plan};
pub use records::{RecordError, dependency_order, parse_record};

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use anyhow::Context as _;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

/// Opens `path` for reading: `-` is standard input, `.gz` files are decompressed.
pub fn open_input(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?)
    };
    let gzipped = path.extension().is_some_and(|e| e == "gz");
    Ok(if gzipped { Box::new(BufReader::new(MultiGzDecoder::new(raw))) } else { Box::new(BufReader::new(raw)) })
}

/// Opens `path` for writing: `-` is standard output, `.gz` files are compressed.
pub fn open_output(path: &Path) -> anyhow::Result<Box<dyn Write>> {
    let raw: Box<dyn Write> = if path.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?)
    };
    let gzipped = path.extension().is_some_and(|e| e == "gz");
    Ok(if gzipped {
        Box::new(std::io::BufWriter::new(GzEncoder::new(raw, flate2::Compression::default())))
    } else {
        Box::new(std::io::BufWriter::new(raw))
    })
}

/// Writes nodes as JSON Lines.
pub fn write_records<'a>(
    out: &mut dyn Write,
    nodes: impl IntoIterator<Item = &'a crate::domain::Node>,
) -> anyhow::Result<usize> {
    let mut count = 0;
    for node in nodes {
        serde_json::to_writer(&mut *out, node)?;
        out.write_all(b"\n")?;
        count += 1;
    }
    out.flush()?;
    Ok(count)
}
