//! Reading the two sheets posture needs out of an `.xlsx`, `.xlsb`, `.xls` or `.ods` workbook into
//! a small sparse grid of [`CellValue`]s, the same whatever the format.
//!
//! `.xlsx` and `.xlsb` sheets are streamed cell by cell (calamine's cell readers), so a
//! sheet that puts one value at row 1,000,000 costs one cell, not a million empty rows.
//! `.xls` and `.ods` sheets are laid out whole by calamine, after `guard` has bounded their
//! extent. Every format then gets the same row limit and the same extent limit.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx};

use super::guard::{Checked, Extent};
use super::level::{format_number, CellValue};
use crate::workbook::Kind;

/// The non-empty cells of one sheet, keyed by zero-based (row, column).
#[derive(Debug, Default)]
pub struct Grid {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), CellValue>,
}

impl Grid {
    pub fn get(&self, row: u32, col: u32) -> &CellValue {
        self.cells.get(&(row, col)).unwrap_or(&CellValue::Empty)
    }

    /// The cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &CellValue)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .map(|(&(_, c), v)| (c, v))
    }

    pub fn last_row(&self) -> Option<u32> {
        self.cells.keys().next_back().map(|&(r, _)| r)
    }
}

/// Why a sheet could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum SheetError {
    /// The sheet is missing; carries the sheet names that exist.
    Missing(Vec<String>),
    /// More rows than the limit; carries the first row (1-based) past it.
    TooManyRows(u64),
    /// The parser failed.
    Unreadable(Kind),
    /// The sheet's declared or actual extent passes the limit.
    TooLarge(Kind),
}

/// Which columns of a sheet are worth copying: every cell up to and including the header
/// row (the first of the first `search_rows` rows holding a text cell that `is_key`
/// accepts), then only column A and the columns whose header text `wanted` accepts. The
/// Assessment sheet's question texts and six guidance columns are most of its cells;
/// copying them only to ignore them cost about 5% of the time to read a workbook.
pub struct HeaderColumns {
    pub search_rows: u32,
    pub is_key: fn(&str) -> bool,
    pub wanted: fn(&str) -> bool,
}

/// [`HeaderColumns`] applied to cells as they stream past in row order.
struct ColumnFilter<'a> {
    spec: Option<&'a HeaderColumns>,
    header: Option<u32>,
    columns: Option<Vec<u32>>,
    last_row: u32,
    /// Cells arrived out of row order (possible in a hand-made `.xlsx`); the header
    /// cannot be known while streaming, so the sheet is read again whole.
    out_of_order: bool,
}

impl<'a> ColumnFilter<'a> {
    fn new(spec: Option<&'a HeaderColumns>) -> Self {
        ColumnFilter {
            spec,
            header: None,
            columns: None,
            last_row: 0,
            out_of_order: false,
        }
    }

    /// Whether the cell at (`row`, `col`), whose text is `text`, is kept.
    fn admits(&mut self, grid: &Grid, row: u32, col: u32, text: Option<&str>) -> bool {
        let Some(spec) = self.spec else {
            return true;
        };
        if row < self.last_row {
            self.out_of_order = true;
        }
        self.last_row = row;
        if self.out_of_order {
            return true;
        }
        match self.header {
            Some(header) if row > header => {
                let columns =
                    self.columns.get_or_insert_with(|| {
                        let mut columns = vec![0];
                        columns.extend(grid.row(header).filter_map(|(c, v)| {
                            v.as_text().filter(|t| (spec.wanted)(t)).map(|_| c)
                        }));
                        columns
                    });
                columns.contains(&col)
            }
            Some(_) => true,
            None => {
                if row < spec.search_rows && text.is_some_and(spec.is_key) {
                    self.header = Some(row);
                }
                true
            }
        }
    }
}

/// An opened workbook of any supported format.
pub enum Book {
    Xlsx(Box<Xlsx<Cursor<Vec<u8>>>>),
    Xlsb(Box<Xlsb<Cursor<Vec<u8>>>>),
    Xls(Box<Xls<Cursor<Vec<u8>>>>),
    Ods(Box<Ods<Cursor<Vec<u8>>>>),
}

/// What [`Book::read`] does with each cell, whatever the format: the row limit, the
/// column filter, the sheet's extent, and the cells kept.
struct Collect<'a> {
    grid: Grid,
    filter: ColumnFilter<'a>,
    max_rows: u32,
    stop_at_limit: bool,
    extent: Extent,
}

impl Collect<'_> {
    /// Whether the cell at (`row`, `col`), whose text is `text`, is worth converting. The
    /// row limit is checked first, so a filtered-out cell far down the sheet still counts
    /// against it; every cell counts towards the extent.
    fn admit(&mut self, row: u32, col: u32, text: Option<&str>) -> Result<bool, SheetError> {
        self.extent.add(row, col);
        if row >= self.max_rows {
            return if self.stop_at_limit {
                Ok(false)
            } else {
                Err(SheetError::TooManyRows(u64::from(row) + 1))
            };
        }
        Ok(self.filter.admits(&self.grid, row, col, text))
    }

    fn keep(&mut self, row: u32, col: u32, value: CellValue) {
        if value != CellValue::Empty {
            self.grid.cells.insert((row, col), value);
        }
    }

    /// One cell of a streamed sheet (`.xlsx`, `.xlsb`), with its formula if it has one.
    /// A formula whose cached value is missing or empty (`<v/>`) is kept as
    /// [`CellValue::FormulaNoValue`], never as a blank (SPEC section 4).
    fn streamed(
        &mut self,
        (row, col): (u32, u32),
        value: &DataRef<'_>,
        formula: Option<&str>,
    ) -> Result<(), SheetError> {
        let text = match value {
            DataRef::String(s) => Some(s.as_str()),
            DataRef::SharedString(s) => Some(*s),
            _ => None,
        };
        if !self.admit(row, col, text)? {
            return Ok(());
        }
        let value = match (from_data_ref(value), formula) {
            (CellValue::Empty, Some(f)) if !f.is_empty() => CellValue::FormulaNoValue(f.into()),
            (value, _) => value,
        };
        self.keep(row, col, value);
        Ok(())
    }

    /// A sheet calamine laid out whole (`.xls`, `.ods`): its values, then the formulas
    /// of cells that have no value.
    fn dense(
        &mut self,
        values: &calamine::Range<Data>,
        formulas: &calamine::Range<String>,
    ) -> Result<(), SheetError> {
        for (row, col, value) in values.used_cells() {
            let (row, col) = absolute(values, row, col);
            let text = match value {
                Data::String(s) => Some(s.as_str()),
                _ => None,
            };
            if self.admit(row, col, text)? {
                self.keep(row, col, from_data(value));
            }
        }
        for (row, col, formula) in formulas.used_cells() {
            let (row, col) = absolute(formulas, row, col);
            if row < self.max_rows && !formula.is_empty() {
                self.extent.add(row, col);
                self.grid
                    .cells
                    .entry((row, col))
                    .or_insert_with(|| CellValue::FormulaNoValue(formula.clone()));
            }
        }
        Ok(())
    }

    /// The extent a sheet declares (`<dimension>` in `.xlsx`, its `.xlsb` equivalent).
    fn declared(&self, sheet: &str, dims: calamine::Dimensions) -> Result<(), SheetError> {
        let mut declared = Extent::default();
        if dims.end.0 >= dims.start.0 && dims.end.1 >= dims.start.1 {
            declared.add(dims.start.0, dims.start.1);
            declared.add(dims.end.0, dims.end.1);
        }
        declared.check(Some(sheet)).map_err(SheetError::TooLarge)
    }
}

impl Book {
    /// Open what the guard passed: `file_bytes` for the zip formats, the rebuilt
    /// container for `.xls`.
    pub fn open(checked: Checked, file_bytes: &[u8]) -> Result<Book, Kind> {
        let bytes = || Cursor::new(file_bytes.to_vec());
        Ok(match checked {
            Checked::Xlsx => Book::Xlsx(Box::new(Xlsx::new(bytes()).map_err(xlsx_reason)?)),
            Checked::Xlsb => Book::Xlsb(Box::new(Xlsb::new(bytes()).map_err(xlsb_reason)?)),
            Checked::Xls(rebuilt) => Book::Xls(Box::new(Xls::new(Cursor::new(rebuilt)).map_err(
                |e| match e {
                    calamine::XlsError::Password => Kind::Encrypted,
                    e => unreadable_workbook("xls", e),
                },
            )?)),
            Checked::Ods => Book::Ods(Box::new(
                Ods::new(bytes()).map_err(|e| unreadable_workbook("ods", e))?,
            )),
        })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xlsb(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
        }
    }

    /// Find a sheet by name, case-insensitively after trimming (SPEC section 4).
    pub fn find_sheet(&self, wanted: &str) -> Result<String, SheetError> {
        let names = self.sheet_names();
        names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or(SheetError::Missing(names))
    }

    /// Read the cells of `sheet` with row index below `max_rows` (zero-based rows
    /// `0..max_rows`); a cell at or past it is [`SheetError::TooManyRows`], unless
    /// `stop_at_limit` says that rows past the limit are simply not needed. With
    /// `columns`, only the cells [`HeaderColumns`] selects are copied. A sheet whose
    /// declared or actual extent passes [`super::guard::MAX_SHEET_CELLS`] is
    /// [`SheetError::TooLarge`], in every format.
    pub fn read(
        &mut self,
        sheet: &str,
        max_rows: u32,
        stop_at_limit: bool,
        columns: Option<&HeaderColumns>,
    ) -> Result<Grid, SheetError> {
        let mut c = Collect {
            grid: Grid {
                name: sheet.to_string(),
                cells: BTreeMap::new(),
            },
            filter: ColumnFilter::new(columns),
            max_rows,
            stop_at_limit,
            extent: Extent::default(),
        };
        match self {
            // Streamed cell by cell: a far-away cell costs one cell, not a dense grid.
            Book::Xlsx(book) => {
                let mut reader = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
                c.declared(sheet, reader.dimensions())?;
                while let Some(cell) = reader.next_cell_with_formula().map_err(unreadable)? {
                    c.streamed(cell.pos, &cell.value, cell.formula.as_deref())?;
                }
            }
            // An .xlsb formula record always carries its value.
            Book::Xlsb(book) => {
                let failed = |e| SheetError::Unreadable(xlsb_reason(e));
                let mut reader = book.worksheet_cells_reader(sheet).map_err(failed)?;
                c.declared(sheet, reader.dimensions())?;
                while let Some(cell) = reader.next_cell().map_err(failed)? {
                    c.streamed(cell.get_position(), cell.get_value(), None)?;
                }
            }
            // calamine has laid these sheets out densely already, after the guard bounded
            // their extent: .xls when the workbook was opened, .ods here.
            Book::Xls(book) => c.dense(
                &book.worksheet_range(sheet).map_err(failed_sheet)?,
                &book.worksheet_formula(sheet).map_err(failed_sheet)?,
            )?,
            Book::Ods(book) => c.dense(
                &book.worksheet_range(sheet).map_err(failed_sheet)?,
                &book.worksheet_formula(sheet).map_err(failed_sheet)?,
            )?,
        }
        c.extent.check(Some(sheet)).map_err(SheetError::TooLarge)?;
        if c.filter.out_of_order {
            return self.read(sheet, max_rows, stop_at_limit, None);
        }
        Ok(c.grid)
    }
}

fn failed_sheet(e: impl std::fmt::Display) -> SheetError {
    SheetError::Unreadable(Kind::SheetReadFailed {
        cause: e.to_string(),
    })
}

fn absolute<T: calamine::CellType>(
    range: &calamine::Range<T>,
    row: usize,
    col: usize,
) -> (u32, u32) {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    (
        r0.saturating_add(u32::try_from(row).unwrap_or(u32::MAX)),
        c0.saturating_add(u32::try_from(col).unwrap_or(u32::MAX)),
    )
}

fn unreadable_workbook(format: &'static str, e: impl std::fmt::Display) -> Kind {
    Kind::UnreadableWorkbook {
        format,
        cause: e.to_string(),
    }
}

fn xlsx_reason(e: calamine::XlsxError) -> Kind {
    match e {
        calamine::XlsxError::Password => Kind::Encrypted,
        e => unreadable_workbook("xlsx", e),
    }
}

fn xlsb_reason(e: calamine::XlsbError) -> Kind {
    match e {
        calamine::XlsbError::Password => Kind::Encrypted,
        e => unreadable_workbook("xlsb", e),
    }
}

fn unreadable(e: calamine::XlsxError) -> SheetError {
    SheetError::Unreadable(xlsx_reason(e))
}

fn from_data_ref(v: &DataRef<'_>) -> CellValue {
    match v {
        DataRef::Int(i) => CellValue::Int(*i),
        DataRef::Float(f) => CellValue::Float(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(d) => CellValue::Date(excel_date(d.as_f64())),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CellValue::Date(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
        DataRef::Empty => CellValue::Empty,
    }
}

fn from_data(v: &Data) -> CellValue {
    match v {
        Data::Int(i) => CellValue::Int(*i),
        Data::Float(f) => CellValue::Float(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(d) => CellValue::Date(excel_date(d.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Date(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::Empty => CellValue::Empty,
    }
}

/// An Excel serial date (1900 system) as `YYYY-MM-DD`, or the serial itself for times
/// (below 1), which have no calendar date.
fn excel_date(serial: f64) -> String {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return format_number(serial);
    }
    // Serial 60 is Excel's fictitious 1900-02-29; days after it are shifted by one.
    let days = serial.floor() as i64;
    let days_since_1899_12_30 = if days < 60 { days + 1 } else { days };
    let (y, m, d) = crate::calendar::civil_from_days(days_since_1899_12_30 - 25_569);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The header row of a sheet of rows returned to posture (a submission's Assessment, a plan,
/// a verification): the first of rows `0..search_rows` with a `question_id` cell, and its
/// columns by name (trimmed, lower case). `required` columns must be there. Every problem
/// is a located diagnostic, and any of them makes the header unusable (`None`): no header
/// row, a name given twice (at the second), a required column missing (at the header row).
pub fn header_row(
    grid: &Grid,
    search_rows: u32,
    required: &[&'static str],
    diags: &mut Vec<crate::workbook::Diagnostic>,
) -> Option<(u32, BTreeMap<String, u32>)> {
    use crate::workbook::Diagnostic;
    let sheet = grid.name.as_str();
    let name_of = |v: &CellValue| v.as_text().map(|t| t.trim().to_lowercase());
    let Some(row) = (0..search_rows).find(|&r| {
        grid.row(r)
            .any(|(_, v)| name_of(v).is_some_and(|n| n == "question_id"))
    }) else {
        diags.push(Diagnostic::error(Kind::MissingHeaderRow { rows: search_rows }).in_sheet(sheet));
        return None;
    };
    let mut columns: BTreeMap<String, u32> = BTreeMap::new();
    let mut usable = true;
    for (col, value) in grid.row(row) {
        let Some(name) = name_of(value).filter(|n| !n.is_empty()) else {
            continue;
        };
        if let Some(&first_col) = columns.get(&name) {
            usable = false;
            diags.push(
                Diagnostic::error(Kind::DuplicateColumn { first_col })
                    .in_sheet(sheet)
                    .at(row, col)
                    .with_found(&name),
            );
        } else {
            columns.insert(name, col);
        }
    }
    let id_col = columns.get("question_id").copied().unwrap_or(0);
    for &column in required {
        if !columns.contains_key(column) {
            usable = false;
            diags.push(
                Diagnostic::error(Kind::MissingColumn { column })
                    .in_sheet(sheet)
                    .at(row, id_col),
            );
        }
    }
    usable.then_some((row, columns))
}

/// The rows below `header_row` that name a question, as (row, index) for the first row of
/// each question `index_of` knows, in sheet order. Rows with no id, or an id in `skip` (a
/// header in another language), are passed over; an id `index_of` does not know gets the
/// error `unknown` at its cell, and a question's second row `duplicate_question`.
pub fn question_rows(
    grid: &Grid,
    header_row: u32,
    id_col: u32,
    skip: &[&str],
    index_of: impl Fn(&str) -> Option<usize>,
    unknown: impl Fn() -> Kind,
    diags: &mut Vec<crate::workbook::Diagnostic>,
) -> Vec<(u32, usize)> {
    use crate::workbook::Diagnostic;
    let sheet = grid.name.as_str();
    let mut first_rows: BTreeMap<usize, u32> = BTreeMap::new();
    let mut rows = Vec::new();
    let last = grid.last_row().unwrap_or(header_row);
    for row in header_row + 1..=last {
        let Some(id) = grid.get(row, id_col).as_text() else {
            continue;
        };
        if skip.contains(&id.as_str()) {
            continue;
        }
        let Some(index) = index_of(&id) else {
            diags.push(
                Diagnostic::error(unknown())
                    .in_sheet(sheet)
                    .at(row, id_col)
                    .with_found(&id),
            );
            continue;
        };
        if let Some(&first_row) = first_rows.get(&index) {
            diags.push(
                Diagnostic::error(Kind::DuplicateQuestion {
                    first_row,
                    first_col: id_col,
                })
                .in_sheet(sheet)
                .at(row, id_col)
                .with_found(&id),
            );
            continue;
        }
        first_rows.insert(index, row);
        rows.push((row, index));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_become_iso_dates() {
        assert_eq!(excel_date(1.0), "1900-01-01");
        assert_eq!(excel_date(59.0), "1900-02-28");
        assert_eq!(excel_date(61.0), "1900-03-01");
        assert_eq!(excel_date(25_569.0), "1970-01-01");
        assert_eq!(excel_date(46_023.5), "2026-01-01");
        assert_eq!(excel_date(0.5), "0.5");
    }
}
