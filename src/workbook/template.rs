//! Writing the blank self-assessment workbook an agency fills in.
