//! The checks a file passes before any spreadsheet parser sees it: what kind of file it
//! is (by content, not by extension), whether it is encrypted, and whether its zip members
//! stay within the limits when inflated. Declared sizes are checked first, then every
//! member is actually inflated through a counting reader that stops one byte past the
//! limit, because a zip may lie about its sizes. The parser later inflates the same
//! members with the same zip crate, so what it inflates has been measured here.

use std::io::{Cursor, Read, Write};

use crate::workbook::{Document, Kind, Limits};

/// What the bytes are, judged from their content, with what the parser may be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    /// The file's own bytes are safe to parse: every zip member was measured.
    Xlsx,
    /// An Excel binary workbook: the same zip package as `.xlsx`, with binary parts.
    Xlsb,
    Ods,
    /// A container rebuilt around the workbook stream (see [`rebuild_xls`]); the
    /// submitted container is never parsed.
    Xls(Vec<u8>),
}

/// A file refused before parsing, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused(pub Kind);

#[cfg(test)]
impl Refused {
    fn message(&self) -> String {
        crate::workbook::Diagnostic::error(self.0.clone()).message()
    }
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// More members than any real workbook has; a central directory this long is hostile.
const MAX_MEMBERS: usize = 10_000;
/// Upper bound on the cells an `.ods` sheet may expand to through repeat attributes.
const MAX_ODS_CELLS_PER_ROW_LIMIT: u64 = 64;

pub fn mib(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        return format!("{bytes} bytes");
    }
    let m = bytes as f64 / (1024.0 * 1024.0);
    if m >= 10.0 || m.fract() == 0.0 {
        format!("{m:.0} MiB")
    } else {
        format!("{m:.1} MiB")
    }
}

/// Identify the file and check it against the limits. Nothing here allocates more than
/// the size of the file beyond the bytes already read.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Checked, Refused> {
    if bytes.is_empty() {
        return Err(Refused(Kind::EmptyFile));
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Refused(Kind::FileTooLarge {
            size: Some(bytes.len() as u64),
            limit: limits.max_file_bytes,
        }));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        if cfb_has_stream(bytes, "EncryptionInfo") || cfb_has_stream(bytes, "EncryptedPackage") {
            return Err(Refused(Kind::Encrypted));
        }
        let workbook_stream = check_cfb(bytes)?;
        return rebuild_xls(&workbook_stream).map(Checked::Xls);
    }
    if bytes.starts_with(b"PK") {
        return check_zip(bytes, limits);
    }
    if is_biff_2_to_4(bytes) {
        return Err(Refused(Kind::OldExcelFormat));
    }
    Err(Refused(Kind::NotASpreadsheet { what: None }))
}

/// Excel 2.x to 4.x wrote a bare BIFF stream, not a container: it starts with a BOF
/// record (0x0009, 0x0209 or 0x0409) of 4 to 16 bytes.
fn is_biff_2_to_4(bytes: &[u8]) -> bool {
    matches!(
        (le_u16(bytes, 0), le_u16(bytes, 2)),
        (Some(0x0009 | 0x0209 | 0x0409), Some(4..=16))
    )
}

/// Whether a Compound File Binary container names a stream. Directory entry names are
/// UTF-16LE; searching the raw bytes is enough to recognise Office encryption, which
/// always stores `EncryptionInfo` and `EncryptedPackage` streams.
fn cfb_has_stream(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// The little-endian u16 at `at`, if `bytes` reaches that far.
fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    bytes
        .get(at..at.checked_add(2)?)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// The little-endian u32 at `at`, if `bytes` reaches that far.
fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at.checked_add(4)?)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A sector read as the little-endian u32 ids it holds (FAT, mini FAT and DIFAT sectors).
fn le_u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn corrupt_xls(what: &str) -> Refused {
    Refused(Kind::CorruptXls {
        cause: what.to_string(),
    })
}

/// A 128-byte directory entry's first sector and stream size (the high half of the size
/// is garbage in version 3 files, whose sectors are 512 bytes).
fn entry_start_and_size(entry: &[u8], sector_size: usize) -> (u32, u64) {
    let start = le_u32(entry, 116).unwrap_or(0xFFFF_FFFE);
    let low = u64::from(le_u32(entry, 120).unwrap_or(0));
    let high = u64::from(le_u32(entry, 124).unwrap_or(0));
    (
        start,
        if sector_size == 512 {
            low
        } else {
            high << 32 | low
        },
    )
}

/// calamine 0.26.1 trusts the sizes and sector chains of a Compound File Binary
/// container: a 7 KB `.xls` that declares a 4 GiB stream makes it allocate 4 GiB, and a
/// cycle in a sector chain makes it loop until memory runs out (both found by fuzzing).
/// So walk the container first: every chain must end within the file's sector count and
/// every stream must be no larger than the file.
fn check_cfb(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    const END: u32 = 0xFFFF_FFFE;
    const MAX_REGULAR: u32 = 0xFFFF_FFFA;
    let len = bytes.len() as u64;
    let shift = le_u16(bytes, 30).ok_or_else(|| corrupt_xls("truncated header"))?;
    if shift != 9 && shift != 12 {
        return Err(corrupt_xls("unsupported sector size"));
    }
    let ss = 1usize << shift;
    let n_sectors = (bytes.len().saturating_sub(ss) / ss) as u64;
    let field = |at: usize| le_u32(bytes, at).ok_or_else(|| corrupt_xls("truncated header"));
    let (dir_len, fat_len, dir_start) = (field(40)?, field(44)?, field(48)?);
    let (mini_start, mini_len, difat_start, difat_len) =
        (field(60)?, field(64)?, field(68)?, field(72)?);
    for n in [dir_len, fat_len, mini_len, difat_len] {
        if u64::from(n) * ss as u64 > len {
            return Err(corrupt_xls(
                "header declares more sectors than the file holds",
            ));
        }
    }
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(ss)?;
        bytes.get(start..start.checked_add(ss)?)
    };
    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
    let mut difat: Vec<u32> = (0..109).filter_map(|i| le_u32(bytes, 76 + 4 * i)).collect();
    let mut next = difat_start;
    let mut steps = 0u64;
    while next < MAX_REGULAR {
        steps += 1;
        if steps > n_sectors {
            return Err(corrupt_xls("cycle in the DIFAT chain"));
        }
        let s = sector(next).ok_or_else(|| corrupt_xls("DIFAT sector outside the file"))?;
        let ids: Vec<u32> = le_u32s(s).collect();
        let (last, rest) = ids
            .split_last()
            .ok_or_else(|| corrupt_xls("empty DIFAT sector"))?;
        difat.extend_from_slice(rest);
        next = *last;
    }
    // calamine reads every DIFAT entry below DIFSECT as a FAT sector, including the two
    // reserved values just below it, so those must be refused here, not skipped.
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let mut fat: Vec<u32> = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        if id >= MAX_REGULAR {
            return Err(corrupt_xls("FAT sector list holds a reserved marker"));
        }
        let s = sector(id).ok_or_else(|| corrupt_xls("FAT sector outside the file"))?;
        fat.extend(le_u32s(s));
    }
    // Walk a chain; Err on a cycle, a link outside the table or the file, or a reserved
    // marker: calamine stops only at END and would read "sector" 0xFFFFFFFF, allocating
    // terabytes. Returns its length.
    let walk = |table: &[u32], start: u32, limit: u64| -> Result<u64, Refused> {
        let mut id = start;
        let mut n = 0u64;
        while id != END {
            if id >= MAX_REGULAR {
                return Err(corrupt_xls("sector chain runs into a reserved marker"));
            }
            if u64::from(id) >= limit {
                return Err(corrupt_xls("sector chain leaves the file"));
            }
            n += 1;
            if n > table.len() as u64 {
                return Err(corrupt_xls("cycle in a sector chain"));
            }
            id = *table
                .get(id as usize)
                .ok_or_else(|| corrupt_xls("sector chain leaves the file"))?;
        }
        Ok(n)
    };
    let dir_sectors = walk(&fat, dir_start, n_sectors)?;
    let mut dirs = Vec::new();
    let mut id = dir_start;
    for _ in 0..dir_sectors {
        dirs.extend_from_slice(
            sector(id).ok_or_else(|| corrupt_xls("directory outside the file"))?,
        );
        id = fat[id as usize];
    }
    let mini_fat_sectors = if mini_len > 0 {
        walk(&fat, mini_start, n_sectors)?
    } else {
        0
    };
    let mut minifat: Vec<u32> = Vec::new();
    let mut id = mini_start;
    for _ in 0..mini_fat_sectors.min(u64::from(mini_len)) {
        let s = sector(id).ok_or_else(|| corrupt_xls("mini FAT outside the file"))?;
        minifat.extend(le_u32s(s));
        id = fat[id as usize];
    }
    let cutoff = u64::from(field(56)?);
    for (i, entry) in dirs.chunks_exact(128).enumerate() {
        // calamine reads entry 0 as the root whatever its type byte says, and looks
        // other streams up by name, so every entry's size is checked.
        let kind = entry[66];
        let (start, size) = entry_start_and_size(entry, ss);
        if size > len {
            return Err(corrupt_xls(
                "a stream declares more bytes than the file holds",
            ));
        }
        // Mini sectors are 64 bytes, so the mini stream holds at most len / 64 of them.
        if i == 0 || size >= cutoff {
            walk(&fat, start, n_sectors)?;
        } else if kind == 2 {
            walk(&minifat, start, len / 64 + 1)?;
        }
    }

    // Reassemble the workbook stream along the chains checked above.
    let chain_bytes = |table: &[u32], start: u32, source: &dyn Fn(u32) -> Option<Vec<u8>>| {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != END && id < MAX_REGULAR && steps <= table.len() {
            match source(id) {
                Some(b) => out.extend_from_slice(&b),
                None => break,
            }
            steps += 1;
            id = table.get(id as usize).copied().unwrap_or(END);
        }
        out
    };
    let regular = |id: u32| sector(id).map(<[u8]>::to_vec);
    let name_of = |entry: &[u8]| -> String {
        let n = usize::from(le_u16(entry, 64).unwrap_or(0)).min(64);
        let units: Vec<u16> = (0..n.saturating_sub(2) / 2)
            .filter_map(|i| le_u16(entry, 2 * i))
            .collect();
        String::from_utf16_lossy(&units)
    };
    const STREAM: u8 = 2;
    let named = |wanted: &str| {
        dirs.chunks_exact(128)
            .skip(1)
            .find(|e| e[66] == STREAM && name_of(e) == wanted)
    };
    // BIFF8 names the stream `Workbook`; BIFF5 and older name it `Book`.
    let entry = named("Workbook")
        .or_else(|| named("Book"))
        .ok_or(Refused(Kind::NoWorkbookStream))?;
    // Every entry's size was checked against the file's length above.
    let (start, size) = entry_start_and_size(entry, ss);
    let size = size as usize;
    let mut stream = if size as u64 >= cutoff {
        chain_bytes(&fat, start, &regular)
    } else {
        let root_start = le_u32(&dirs, 116).unwrap_or(END);
        let container = chain_bytes(&fat, root_start, &regular);
        let mini = |id: u32| {
            let at = (id as usize).checked_mul(64)?;
            container.get(at..at.checked_add(64)?).map(<[u8]>::to_vec)
        };
        chain_bytes(&minifat, start, &mini)
    };
    if stream.len() < size {
        return Err(corrupt_xls(
            "the workbook stream is shorter than its directory entry says",
        ));
    }
    stream.truncate(size);
    // The container is rebuilt, but the records inside the stream still reach calamine.
    check_biff_records(&stream)?;
    Ok(stream)
}

/// A fresh Compound File Binary container holding only `workbook_stream`, written by the
/// `cfb` crate. calamine 0.26.1 follows whatever sector ids, sizes and entry names a
/// container declares, and fuzzing kept finding new ways to make it allocate gigabytes
/// from a few kilobytes (four container paths), each one the walk above did not model. So
/// calamine never sees the submitted container: it sees this one, built from a stream
/// whose every sector was read here within the file's bounds. The records inside the
/// stream are still calamine's to parse, which is why [`check_biff_records`] exists.
fn rebuild_xls(workbook_stream: &[u8]) -> Result<Vec<u8>, Refused> {
    let failed = |e: std::io::Error| {
        Refused(Kind::RepackageFailed {
            cause: e.to_string(),
        })
    };
    let mut container = cfb::CompoundFile::create_with_version(
        cfb::Version::V3,
        Cursor::new(Vec::with_capacity(workbook_stream.len() + 4096)),
    )
    .map_err(failed)?;
    {
        let mut stream = container.create_stream("/Workbook").map_err(failed)?;
        stream.write_all(workbook_stream).map_err(failed)?;
    }
    container.flush().map_err(failed)?;
    Ok(container.into_inner().into_inner())
}

/// The largest sheet a BIFF8 workbook can describe: 65 536 rows x 256 columns.
const MAX_XLS_CELLS: u64 = 65_536 * 256;

/// The most cells a sheet may span, from its first used cell to its last (SPEC section 4),
/// in any format. calamine lays `.xls`, `.ods` and whole-range sheets out as dense grids
/// of 32-byte cells, so a sheet with one cell at A1 and one at IV65536 would cost over
/// 500 MB; this keeps a sheet under 32 MB. A real Assessment sheet spans about 100 rows x
/// 15 columns.
pub const MAX_SHEET_CELLS: u64 = 1 << 20;

/// Why a sheet whose extent passes [`MAX_SHEET_CELLS`] is refused. `sheet` names it when
/// known (`.xls` sheets are measured before their names are read).
pub fn too_large_sheet(sheet: Option<&str>, rows: u64, cols: u64) -> Kind {
    Kind::SheetTooLarge {
        sheet: sheet.map(str::to_string),
        rows,
        cols,
        max_cells: MAX_SHEET_CELLS,
    }
}

/// Where the cells of one sheet lie: zero-based first and last row and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extent(Option<(u32, u32, u32, u32)>);

impl Extent {
    pub fn add(&mut self, row: u32, col: u32) {
        let (r0, r1, c0, c1) = self.0.unwrap_or((row, row, col, col));
        self.0 = Some((r0.min(row), r1.max(row), c0.min(col), c1.max(col)));
    }

    /// Rows and columns from the first cell to the last.
    pub fn size(&self) -> (u64, u64) {
        self.0.map_or((0, 0), |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1)
        })
    }

    /// Err with [`too_large_sheet`]'s reason when the extent passes [`MAX_SHEET_CELLS`].
    pub fn check(&self, sheet: Option<&str>) -> Result<(), Kind> {
        let (rows, cols) = self.size();
        if rows.saturating_mul(cols) > MAX_SHEET_CELLS {
            return Err(too_large_sheet(sheet, rows, cols));
        }
        Ok(())
    }
}

/// Walk the BIFF records of a workbook stream, sequentially and from every sheet offset
/// that a BOUNDSHEET record names (calamine jumps there), and refuse what calamine would
/// turn into an enormous allocation while opening the workbook, before any cell is read:
/// a DIMENSIONS record whose range lies (calamine reserves rows x columns cells for it),
/// and a sheet whose cells span too large a grid (calamine lays every sheet out densely,
/// all of them when the workbook is opened).
///
/// A sheet's cells are collected as calamine 0.38 collects them: from the sheet's offset
/// to the EOF record that closes its own substream. calamine skips the substreams nested
/// inside a sheet (embedded charts), each opened by a BOF and closed by an EOF; their
/// cell-like records are counted here all the same, which can only overstate a span.
fn check_biff_records(stream: &[u8]) -> Result<(), Refused> {
    const BOF: u16 = 0x0809;
    const EOF: u16 = 0x000A;
    let u16_at = |at: usize| le_u16(stream, at);
    let mut starts = vec![0usize];
    let mut visited = std::collections::BTreeSet::new();
    while let Some(mut pos) = starts.pop() {
        if !visited.insert(pos) {
            continue;
        }
        let mut extent = Extent::default();
        let (mut seen_sheet_bof, mut nested) = (false, 0usize);
        while let (Some(typ), Some(len)) = (u16_at(pos), u16_at(pos + 2)) {
            let data_at = pos + 4;
            let len = usize::from(len);
            let Some(data) = stream.get(data_at..data_at + len) else {
                break;
            };
            let word = |i: usize| le_u16(data, i).map_or(0, u32::from);
            let dword = |i: usize| le_u32(data, i).unwrap_or(0);
            match (typ, len) {
                (BOF, _) if seen_sheet_bof => nested += 1,
                (BOF, _) => seen_sheet_bof = true,
                (EOF, _) if nested > 0 => nested -= 1,
                (EOF, _) => break,
                (0x0085, _) => {
                    if let Some(offset) = le_u32(stream, data_at) {
                        starts.push(offset as usize);
                    }
                }
                (0x0200, 10 | 14 | 16) => {
                    let (rf, rl, cf, cl) = if len == 10 {
                        (word(0), word(2), word(4), word(6))
                    } else {
                        (dword(0), dword(4), word(8), word(10))
                    };
                    // calamine ignores a first column past the format's last one.
                    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                    if rl >= 1 && cl >= 1 {
                        let rows = i64::from(rl) - 1 - i64::from(rf) + 1;
                        let cols = i64::from(cl) - 1 - i64::from(cf) + 1;
                        if rows <= 0 || cols <= 0 {
                            return Err(corrupt_xls("a sheet's used range ends before it starts"));
                        }
                        let cells = (rows as u64).saturating_mul(cols as u64);
                        if cells > MAX_XLS_CELLS {
                            return Err(corrupt_xls(
                                "a sheet declares a used range larger than the format allows",
                            ));
                        }
                        if cells > MAX_SHEET_CELLS {
                            return Err(Refused(too_large_sheet(None, rows as u64, cols as u64)));
                        }
                    }
                }
                // The cell records calamine keeps: FORMULA, NUMBER, LABEL, BOOLERR, RSTRING,
                // RK, LABELSST (row and column first), and MULRK (a run of columns). A
                // formula's STRING record takes the FORMULA's cell.
                (0x0006 | 0x0203 | 0x0204 | 0x0205 | 0x00D6 | 0x027E | 0x00FD, 4..) => {
                    extent.add(word(0), word(2));
                }
                (0x00BD, 6..) => {
                    extent.add(word(0), word(2));
                    extent.add(word(0), word(len - 2));
                }
                _ => {}
            }
            pos = data_at + len;
        }
        extent.check(None).map_err(Refused)?;
    }
    Ok(())
}

/// Deflate's largest possible expansion (a 258-byte match coded in about two bits).
const DEFLATE_MAX_RATIO: u64 = 1032;

fn check_zip(bytes: &[u8], limits: &Limits) -> Result<Checked, Refused> {
    let corrupt = |e: &dyn std::fmt::Display| {
        Refused(Kind::CorruptZip {
            cause: e.to_string(),
        })
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    if archive.len() > MAX_MEMBERS {
        return Err(Refused(Kind::TooManyZipMembers {
            members: archive.len(),
            limit: MAX_MEMBERS,
        }));
    }
    // Declared sizes first: cheap, and refuses an honest bomb without inflating a byte.
    let mut declared_total: u64 = 0;
    let mut worst_total: u64 = 0;
    let mut worst_fits = true;
    let mut members = std::collections::BTreeSet::new();
    for i in 0..archive.len() {
        let member = archive.by_index_raw(i).map_err(|e| corrupt(&e))?;
        let name = member.name().map_err(|e| corrupt(&e))?.into_owned();
        let size = member.size();
        if size > limits.max_member_bytes {
            return Err(Refused(Kind::MemberDeclaresTooMuch {
                member: name,
                size,
                limit: limits.max_member_bytes,
            }));
        }
        declared_total = declared_total.saturating_add(size);
        let worst = match member.compression() {
            zip::CompressionMethod::Stored => Some(member.compressed_size()),
            zip::CompressionMethod::Deflated => {
                Some(member.compressed_size().saturating_mul(DEFLATE_MAX_RATIO))
            }
            _ => None,
        };
        match worst {
            Some(w) if w <= limits.max_member_bytes => worst_total = worst_total.saturating_add(w),
            _ => worst_fits = false,
        }
        members.insert(name.to_ascii_lowercase());
    }
    if declared_total > limits.max_total_inflated_bytes {
        return Err(Refused(Kind::MembersDeclareTooMuch {
            size: declared_total,
            limit: limits.max_total_inflated_bytes,
        }));
    }
    let main_part = office_document_part(&mut archive, limits).map_err(|e| corrupt(&e))?;
    let format = zip_format(main_part.as_deref(), &members)?;
    // Declared sizes can lie, but compressed sizes cannot: the zip reader never reads past
    // a member's compressed size, and deflate inflates at most DEFLATE_MAX_RATIO times.
    // When even that worst case fits the limits, inflating just to count (which doubles
    // the work of reading a normal workbook) proves nothing.
    let bounded = worst_fits && worst_total <= limits.max_total_inflated_bytes;

    // Then the actual sizes: inflate each member into a counter, never into memory.
    let mut actual_total: u64 = 0;
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(|e| corrupt(&e))?;
        let name = member.name().map_err(|e| corrupt(&e))?.into_owned();
        let declared = member.size();
        let is_ods_content = matches!(format, Checked::Ods) && name == "content.xml";
        if bounded && !is_ods_content {
            continue;
        }
        let limit = limits.max_member_bytes;
        let inflated = if is_ods_content {
            let mut content = Vec::new();
            (&mut member)
                .take(limit + 1)
                .read_to_end(&mut content)
                .map_err(|e| corrupt(&e))?;
            if content.len() as u64 <= limit {
                check_ods_repeats(&content, limits)?;
            }
            content.len() as u64
        } else {
            // zip 9 itself stops a member that inflates past the size it declares (its
            // reader fails "File is larger than its declared uncompressed size"); say what
            // that means rather than pass on "corrupt".
            match std::io::copy(&mut (&mut member).take(limit + 1), &mut std::io::sink()) {
                Ok(n) => n,
                Err(e)
                    if e.kind() == std::io::ErrorKind::InvalidData
                        && e.to_string().contains("larger than its declared") =>
                {
                    return Err(Refused(Kind::MemberInflatesPastDeclared {
                        member: name,
                        declared,
                    }))
                }
                Err(e) => return Err(corrupt(&e)),
            }
        };
        if inflated > limit {
            return Err(Refused(Kind::MemberInflatesPastLimit {
                member: name,
                limit,
                declared,
            }));
        }
        actual_total = actual_total.saturating_add(inflated);
        if actual_total > limits.max_total_inflated_bytes {
            return Err(Refused(Kind::MembersInflatePastLimit {
                limit: limits.max_total_inflated_bytes,
                declared: declared_total,
            }));
        }
    }
    Ok(format)
}

/// The main part of an Office Open XML package, as its `_rels/.rels` names it (the
/// `officeDocument` relationship), without a leading `/`, in lower case. Writers other
/// than Excel put the workbook part where they like, and calamine follows this
/// relationship, so the guard does too. None when the package has no such relationship.
fn office_document_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<Option<String>, zip::result::ZipError> {
    use quick_xml::events::Event;
    let Some(index) = archive.index_for_name("_rels/.rels") else {
        return Ok(None);
    };
    let mut rels = Vec::new();
    // Declared sizes were checked; the actual size is bounded here as well.
    archive
        .by_index(index)?
        .take(limits.max_member_bytes.min(1 << 20))
        .read_to_end(&mut rels)?;
    let mut reader = quick_xml::Reader::from_reader(rels.as_slice());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let attr = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == key)
                        .map(|a| a.value.to_string())
                };
                if attr("Type").is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
                    return Ok(
                        attr("Target").map(|t| t.trim_start_matches('/').to_ascii_lowercase())
                    );
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(None),
            _ => {}
        }
        buf.clear();
    }
}

/// Which spreadsheet format a zip package holds, from its main part (see
/// [`office_document_part`]) or, without one, from the members Excel and LibreOffice
/// always write. `members` are lower case.
fn zip_format(
    main_part: Option<&str>,
    members: &std::collections::BTreeSet<String>,
) -> Result<Checked, Refused> {
    let not_a_workbook = |what: Document| Refused(Kind::NotASpreadsheet { what: Some(what) });
    match main_part {
        Some(part) if part.starts_with("word/") => Err(not_a_workbook(Document::Word)),
        Some(part) if part.starts_with("ppt/") => Err(not_a_workbook(Document::PowerPoint)),
        Some(part) if part.ends_with(".bin") => Ok(Checked::Xlsb),
        Some(_) => Ok(Checked::Xlsx),
        None if members.contains("xl/workbook.xml") => Ok(Checked::Xlsx),
        None if members.contains("xl/workbook.bin") => Ok(Checked::Xlsb),
        None if members.contains("content.xml") => Ok(Checked::Ods),
        None => Err(not_a_workbook(Document::Zip)),
    }
}

/// `.ods` rows and cells carry repeat counts (`table:number-rows-repeated`,
/// `table:number-columns-repeated`) that the parser expands into memory, so a tiny file
/// can ask for billions of cells. Walk the XML and bound what the expansion could reach:
/// per table, (last row holding a value) x (last column holding a value), which must stay
/// within [`MAX_SHEET_CELLS`] for each table and within a budget for all tables together
/// (calamine parses every table when it opens the file).
fn check_ods_repeats(content: &[u8], limits: &Limits) -> Result<(), Refused> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    let cell_budget = u64::from(limits.max_assessment_rows)
        .saturating_mul(MAX_ODS_CELLS_PER_ROW_LIMIT)
        .max(1_000_000);
    let mut total_cells: u64 = 0;
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    let (mut last_row, mut last_col) = (0u64, 0u64);
    let mut table: Option<String> = None;
    let repeat = |e: &quick_xml::events::BytesStart, key: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            // A malformed document is the parser's to report; it cannot expand anything.
            Err(_) => return Ok(()),
            Ok(e) => e,
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let self_closing = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" => {
                        (row, col, last_row, last_col) = (0, 0, 0, 0);
                        table = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == "table:name")
                            .map(|a| a.value.to_string());
                    }
                    "table:table-row" => {
                        row_repeat = repeat(e, "table:number-rows-repeated");
                        col = 0;
                        if self_closing {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let n = repeat(e, "table:number-columns-repeated");
                        let has_value = !self_closing
                            || e.attributes().flatten().any(|a| {
                                matches!(a.key.as_ref(), "office:value-type" | "table:formula")
                            });
                        col = col.saturating_add(n);
                        if has_value {
                            last_col = last_col.max(col);
                            last_row = last_row.max(row.saturating_add(row_repeat));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "table:table-row" => row = row.saturating_add(row_repeat),
                "table:table" => {
                    let cells = last_row.saturating_mul(last_col);
                    if cells > MAX_SHEET_CELLS {
                        return Err(Refused(too_large_sheet(
                            Some(table.as_deref().unwrap_or("?")),
                            last_row,
                            last_col,
                        )));
                    }
                    total_cells = total_cells.saturating_add(cells);
                    if total_cells > cell_budget {
                        return Err(Refused(Kind::RepeatsTooLarge { cells: cell_budget }));
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
        out.into_inner()
    }

    fn small_limits() -> Limits {
        Limits {
            max_file_bytes: 1 << 20,
            max_member_bytes: 1 << 16,
            max_total_inflated_bytes: 1 << 17,
            max_assessment_rows: 1000,
        }
    }

    /// The shortcut that skips counting rests on deflate's maximum expansion; the most
    /// compressible input there is (zeros) must stay within it.
    #[test]
    fn deflate_never_expands_past_the_bound() {
        let zeros = vec![0u8; 8 << 20];
        let bytes = zip_with(&[("xl/workbook.xml", &zeros)]);
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let member = archive.by_index_raw(0).unwrap();
        assert_eq!(member.size(), 8 << 20);
        assert!(member.size() <= member.compressed_size() * DEFLATE_MAX_RATIO);
        // So with limits below that worst case, the member is still inflated and counted.
        let limits = Limits {
            max_member_bytes: 1 << 20,
            ..small_limits()
        };
        assert!(check(&bytes, &limits)
            .unwrap_err()
            .message()
            .contains("declares"));
    }

    #[test]
    fn identifies_by_content() {
        let l = Limits::default();
        assert_eq!(
            check(&[], &l).unwrap_err().message(),
            "empty file (0 bytes)"
        );
        assert!(check(b"hello, world", &l)
            .unwrap_err()
            .message()
            .starts_with("not a spreadsheet"));
        let xlsx = zip_with(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(check(&xlsx, &l), Ok(Checked::Xlsx));
        let ods = zip_with(&[("mimetype", b"x"), ("content.xml", b"<a/>")]);
        assert_eq!(check(&ods, &l), Ok(Checked::Ods));
        let other = zip_with(&[("readme.txt", b"hi")]);
        assert!(check(&other, &l)
            .unwrap_err()
            .message()
            .contains("zip archive without a workbook"));
        assert!(check(&xlsx[..xlsx.len() / 2], &l)
            .unwrap_err()
            .message()
            .starts_with("corrupt or truncated"));
    }

    #[test]
    fn each_limit_refuses() {
        let l = small_limits();
        let big = vec![b'a'; (1 << 16) + 1];
        let one_big = zip_with(&[("xl/workbook.xml", b"<w/>"), ("xl/big.xml", &big)]);
        let e = check(&one_big, &l).unwrap_err().message();
        assert!(e.starts_with("zip member `xl/big.xml` declares"), "{e}");
        let part = vec![b'a'; 1 << 15];
        let many = zip_with(&[
            ("xl/workbook.xml", b"<w/>"),
            ("a", &part),
            ("b", &part),
            ("c", &part),
            ("d", &part),
            ("e", &part),
        ]);
        let e = check(&many, &l).unwrap_err().message();
        assert!(e.starts_with("zip members declare"), "{e}");
        let tiny = Limits {
            max_file_bytes: 10,
            ..l
        };
        assert!(check(&many, &tiny)
            .unwrap_err()
            .message()
            .starts_with("file is too large"));
    }

    #[test]
    fn a_rebuilt_container_holds_exactly_the_workbook_stream() {
        // Below the 4096-byte cutoff the stream lives in the mini stream, above it in
        // regular sectors; both paths of the walk must give the bytes back unchanged.
        for len in [0usize, 100, 4095, 4096, 70_000] {
            let stream: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let rebuilt = rebuild_xls(&stream).unwrap();
            assert!(rebuilt.starts_with(&CFB_MAGIC));
            let Checked::Xls(again) = check(&rebuilt, &Limits::default()).unwrap() else {
                panic!("a rebuilt container is not identified as .xls");
            };
            assert_eq!(again, rebuilt, "rebuilding must be stable (len {len})");
            assert_eq!(check_cfb(&rebuilt).unwrap(), stream, "len {len}");
        }
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    /// A NUMBER record: row, column, format, value.
    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut data = [row.to_le_bytes(), col.to_le_bytes(), [0, 0]].concat();
        data.extend_from_slice(&1.0f64.to_le_bytes());
        record(0x0203, &data)
    }

    #[test]
    fn a_sheet_spanning_too_many_cells_is_refused() {
        let assessment = [number(0, 0), number(99, 14)].concat();
        assert_eq!(check_biff_records(&assessment), Ok(()));
        let far = [number(0, 0), number(65_535, 255)].concat();
        let e = check_biff_records(&far).unwrap_err();
        assert_eq!(e.0, too_large_sheet(None, 65_536, 256));
        assert!(
            e.message()
                .starts_with("a sheet spans 65536 rows x 256 columns"),
            "{e:?}"
        );
        // MULRK: row, first column, (format, value) pairs, last column.
        let mut mulrk = [5u16.to_le_bytes(), 0u16.to_le_bytes()].concat();
        mulrk.extend_from_slice(&[0; 6]);
        mulrk.extend_from_slice(&9_000u16.to_le_bytes());
        let wide = [number(0, 0), number(200, 0), record(0x00BD, &mulrk)].concat();
        assert!(check_biff_records(&wide).is_err());
        // Cells after the sheet's EOF record are not the sheet's.
        let after_eof = [number(0, 0), record(0x000A, &[]), number(65_535, 255)].concat();
        assert_eq!(check_biff_records(&after_eof), Ok(()));
        // But calamine reads on past the EOF of a substream nested in the sheet (an
        // embedded chart), so cells after it are the sheet's.
        let bof = record(0x0809, &[0; 16]);
        let nested = [
            bof.clone(),
            number(0, 0),
            bof,
            record(0x000A, &[]),
            number(65_535, 255),
            record(0x000A, &[]),
        ]
        .concat();
        assert!(check_biff_records(&nested).is_err());
    }

    #[test]
    fn dimensions_records_are_bounded_in_every_length_calamine_reads() {
        // DIMENSIONS: first row, last row + 1 (u32 in BIFF8), first column, last column + 1.
        let dims = |rf: u32, rl: u32, cf: u16, cl: u16, extra: usize| {
            let mut data = [rf.to_le_bytes(), rl.to_le_bytes()].concat();
            data.extend_from_slice(&cf.to_le_bytes());
            data.extend_from_slice(&cl.to_le_bytes());
            data.extend_from_slice(&vec![0; extra]);
            record(0x0200, &data)
        };
        assert_eq!(check_biff_records(&dims(0, 100, 0, 15, 2)), Ok(()));
        for extra in [2, 4] {
            let e = check_biff_records(&dims(0, 4_000_000, 0, 200, extra)).unwrap_err();
            assert!(
                e.message().contains("larger than the format allows"),
                "{e:?}"
            );
            let e = check_biff_records(&dims(0, 60_000, 0, 200, extra)).unwrap_err();
            assert_eq!(e.0, too_large_sheet(None, 60_000, 200));
            let e = check_biff_records(&dims(50, 10, 0, 1, extra)).unwrap_err();
            assert!(e.message().contains("ends before it starts"), "{e:?}");
        }
    }

    #[test]
    fn a_container_without_a_workbook_stream_is_not_a_workbook() {
        let mut container =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .unwrap();
        container
            .create_stream("/WordDocument")
            .unwrap()
            .write_all(b"not a spreadsheet")
            .unwrap();
        let bytes = container.into_inner().into_inner();
        assert_eq!(
            check(&bytes, &Limits::default()).unwrap_err().message(),
            "not an Excel workbook (the .xls container holds no workbook stream)"
        );
    }

    #[test]
    fn encrypted_container_is_named() {
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.extend_from_slice(&[0u8; 504]);
        cfb.extend(
            "EncryptionInfo"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        let e = check(&cfb, &Limits::default()).unwrap_err().message();
        assert!(
            e.starts_with("encrypted (password-protected) workbook"),
            "{e}"
        );
        let truncated = CFB_MAGIC.to_vec();
        assert_eq!(
            check(&truncated, &Limits::default()).unwrap_err().message(),
            "corrupt .xls workbook (truncated header)"
        );
    }

    #[test]
    fn ods_repeat_bombs_are_refused() {
        let l = small_limits();
        let honest = br#"<office:document-content><table:table><table:table-row><table:table-cell office:value-type="float"/><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table></office:document-content>"#;
        assert_eq!(check_ods_repeats(honest, &l), Ok(()));
        let bomb = br#"<office:document-content><table:table><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="100000" office:value-type="float"/></table:table-row></table:table></office:document-content>"#;
        let e = check_ods_repeats(bomb, &l).unwrap_err();
        assert_eq!(e.0, too_large_sheet(Some("?"), 100_000, 100_000));
        // Tables within the per-sheet bound still count against the budget for them all.
        let table = r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000" office:value-type="float"/></table:table-row></table:table>"#;
        let many = format!(
            "<office:document-content>{}</office:document-content>",
            table.repeat(8)
        );
        let e = check_ods_repeats(many.as_bytes(), &l)
            .unwrap_err()
            .message();
        assert!(e.contains("repeated rows or columns"), "{e}");
        let one = format!("<office:document-content>{table}</office:document-content>");
        assert_eq!(check_ods_repeats(one.as_bytes(), &l), Ok(()));
        let gap = br#"<office:document-content><table:table><table:table-row><table:table-cell office:value-type="float"/></table:table-row><table:table-row table:number-rows-repeated="5000000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="1000"/><table:table-cell office:value-type="float"/></table:table-row></table:table></office:document-content>"#;
        assert!(check_ods_repeats(gap, &l).is_err());
    }
}
