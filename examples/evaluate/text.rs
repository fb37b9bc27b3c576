//! The report as aligned text tables.

use std::collections::HashSet;
use std::io::{self, Write};

use crate::Changed;
use crate::input::InputCounts;
use crate::stats::{NONE, Report};

/// A table of text cells, each column as wide as its widest cell.
struct Table {
    /// `<` or `>` for each column: left or right aligned.
    align: Vec<u8>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(align: &str) -> Table {
        Table { align: align.as_bytes().to_vec(), rows: Vec::new() }
    }

    fn header(mut self, cells: &[&str]) -> Table {
        self.row(cells.iter().map(|c| c.to_string()).collect());
        self
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// A row of one cell, printed as it is: a heading inside the table.
    fn heading(&mut self, text: impl Into<String>) {
        self.rows.push(vec![text.into()]);
    }

    fn print(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut widths = vec![0; self.align.len()];
        for row in self.rows.iter().filter(|r| r.len() > 1) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in &self.rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let width = if row.len() > 1 { widths[i] } else { 0 };
                let cell = if self.align[i] == b'<' {
                    format!("  {cell:<width$}")
                } else {
                    format!("  {cell:>width$}")
                };
                line.push_str(&cell);
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// A rate with three decimals, or `-` when it is undefined.
fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

fn change(before: Option<f64>, after: Option<f64>) -> String {
    match (before, after) {
        (Some(b), Some(a)) if (a - b).abs() < 5e-4 => "=".to_string(),
        (Some(b), Some(a)) => format!("{:+.3}", a - b),
        _ => String::new(),
    }
}

fn input_line(out: &mut dyn Write, input: &InputCounts) -> io::Result<()> {
    writeln!(
        out,
        "{} tickets evaluated from {} ({} records, {} filtered out, {} malformed)",
        input.evaluated, input.file, input.records, input.filtered_out, input.malformed
    )
}

fn taxonomy_line(report: &Report) -> String {
    let t = &report.taxonomy;
    format!("{}  version {}  hash {}", t.file, t.version, t.hash)
}

pub fn print_report(out: &mut dyn Write, input: &InputCounts, report: &Report) -> io::Result<()> {
    writeln!(out, "Taxonomy: {}", taxonomy_line(report))?;
    input_line(out, input)?;

    writeln!(out, "\nSummary")?;
    let mut table = Table::new("<><");
    let of = |part: usize| format!("{part} of {}", report.tickets);
    table.row(vec!["primary accuracy".into(), rate(report.accuracy), of(report.correct)]);
    table.row(vec!["macro-F1".into(), rate(report.macro_f1), String::new()]);
    let micro = &report.micro;
    let micro_detail =
        format!("precision {}, recall {}", rate(micro.precision), rate(micro.recall));
    table.row(vec!["micro-F1".into(), rate(micro.f1), micro_detail]);
    table.row(vec!["coverage".into(), rate(report.coverage), of(report.covered)]);
    table.print(out)?;

    writeln!(out, "\nCategories (gold: primary or secondary label; predicted: tagged)")?;
    let header = ["category", "gold", "predicted", "tp", "precision", "recall", "F1"];
    let mut table = Table::new("<>>>>>>").header(&header);
    for c in &report.categories {
        table.row(vec![
            c.category.clone(),
            c.gold.to_string(),
            c.predicted.to_string(),
            c.true_positives.to_string(),
            rate(c.scores.precision),
            rate(c.scores.recall),
            rate(c.scores.f1),
        ]);
    }
    table.print(out)?;

    print_confusion(out, report)?;

    writeln!(
        out,
        "\nRules (fires: tickets with evidence of the rule, whatever the threshold; precision: \
         share of firings\nwhere its category is gold; overlaps: firings with another \
         category's rule; conflicts: overlaps\nwhere the primary went elsewhere; below: firings \
         where its category stayed under the threshold)"
    )?;
    let header = ["rule", "fires", "coverage", "precision", "overlaps", "conflicts", "below"];
    let mut table = Table::new("<>>>>>>").header(&header);
    let mut category = None;
    for r in &report.rules {
        if category != Some(&r.category) {
            table.heading(&r.category);
            category = Some(&r.category);
        }
        table.row(vec![
            format!("  {}", r.rule),
            r.fires.to_string(),
            rate(r.coverage),
            rate(r.precision),
            r.overlaps.to_string(),
            r.conflicts.to_string(),
            r.below_threshold.to_string(),
        ]);
    }
    table.print(out)?;

    writeln!(
        out,
        "\nNever firing ({} of {} rules)",
        report.never_firing.len(),
        report.rules.len()
    )?;
    for rule in &report.never_firing {
        writeln!(out, "  {rule}")?;
    }
    Ok(())
}

fn print_confusion(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let confusion = &report.confusion;
    let short = short_labels(&confusion.columns);
    writeln!(
        out,
        "\nConfusion matrix (rows: gold primary; columns: predicted primary; `.` is zero)"
    )?;

    let mut align = "<".to_string();
    align.push_str(&">".repeat(short.len() + 1));
    let mut header = vec!["gold \\ predicted".to_string()];
    header.extend(short.iter().cloned());
    header.push("total".to_string());
    let mut table = Table::new(&align);
    table.row(header);

    for (label, counts) in confusion.rows.iter().zip(&confusion.counts) {
        let name = match confusion.columns.iter().position(|c| c == label) {
            Some(i) if label != NONE => format!("{label} ({})", short[i]),
            Some(_) => label.clone(),
            None => format!("{label} (not in the taxonomy)"),
        };
        let mut row = vec![name];
        row.extend(counts.iter().map(|&n| if n == 0 { ".".to_string() } else { n.to_string() }));
        row.push(counts.iter().sum::<usize>().to_string());
        table.row(row);
    }
    table.print(out)
}

/// Short column labels: the initials of each id (`model_quality` is `mq`),
/// or numbers when initials would be ambiguous. `none` stays `none`.
fn short_labels(ids: &[String]) -> Vec<String> {
    let initials: Vec<String> = ids
        .iter()
        .map(|id| {
            if id == NONE {
                return id.clone();
            }
            id.split(['_', '-', '.', ' ']).filter_map(|w| w.chars().next()).collect()
        })
        .collect();
    let unique: HashSet<&String> = initials.iter().collect();
    let clashes = unique.len() < initials.len()
        || initials.iter().zip(ids).any(|(s, id)| s.is_empty() || (s == NONE && id != NONE));
    if !clashes {
        return initials;
    }
    ids.iter()
        .enumerate()
        .map(|(i, id)| if id == NONE { id.clone() } else { (i + 1).to_string() })
        .collect()
}

pub fn print_comparison(
    out: &mut dyn Write,
    input: &InputCounts,
    before: &Report,
    after: &Report,
    changed: &[Changed],
) -> io::Result<()> {
    writeln!(out, "Before: {}", taxonomy_line(before))?;
    writeln!(out, "After:  {}", taxonomy_line(after))?;
    input_line(out, input)?;
    writeln!(out)?;

    let mut table = Table::new("<>>>").header(&["", "before", "after", "change"]);
    let mut row = |name: &str, b: Option<f64>, a: Option<f64>| {
        table.row(vec![name.to_string(), rate(b), rate(a), change(b, a)]);
    };
    row("primary accuracy", before.accuracy, after.accuracy);
    row("macro-F1", before.macro_f1, after.macro_f1);
    row("micro-F1", before.micro.f1, after.micro.f1);
    row("coverage", before.coverage, after.coverage);
    table.heading("F1 by category");
    let f1_of = |report: &Report, id: &str| {
        report.categories.iter().find(|c| c.category == id).and_then(|c| c.scores.f1)
    };
    let mut ids: Vec<&str> = before.categories.iter().map(|c| c.category.as_str()).collect();
    for c in &after.categories {
        if !ids.contains(&c.category.as_str()) {
            ids.push(&c.category);
        }
    }
    for id in ids {
        let (b, a) = (f1_of(before, id), f1_of(after, id));
        table.row(vec![format!("  {id}"), rate(b), rate(a), change(b, a)]);
    }
    table.print(out)?;

    let fixed = changed.iter().filter(|c| c.effect == "fixed").count();
    let broken = changed.iter().filter(|c| c.effect == "broken").count();
    let tickets = if changed.len() == 1 { "ticket" } else { "tickets" };
    writeln!(
        out,
        "\nPrimary changed on {} {tickets}: {fixed} fixed, {broken} broken, {} still wrong",
        changed.len(),
        changed.len() - fixed - broken
    )?;
    if changed.is_empty() {
        return Ok(());
    }
    let mut table = Table::new("<<<<<").header(&["id", "gold", "before", "after", ""]);
    for c in changed {
        table.row(vec![
            c.id.clone(),
            c.gold.clone(),
            c.before.clone(),
            c.after.clone(),
            c.effect.to_string(),
        ]);
    }
    table.print(out)
}
