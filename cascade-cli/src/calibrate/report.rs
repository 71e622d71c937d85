//! `--report`: one self-contained HTML file (no scripts, no external resources) with, per type,
//! a precision–recall curve and an F1-vs-threshold curve marking the chosen threshold and its
//! bootstrap interval. The SVG is written by hand: two line charts do not need a plotting crate.

use std::fmt::Write as _;

use cascade_runtime::calibrate::Curve;

use super::{Group, Outcome};

/// At most this many curve points are drawn per chart (the chosen point always is).
const MAX_POINTS: usize = 400;

const WIDTH: f64 = 440.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Maps data coordinates into the plot area.
struct Frame {
    x0: f64,
    x1: f64,
}

impl Frame {
    fn x(&self, v: f64) -> f64 {
        LEFT + (v - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (1.0 - v) * (HEIGHT - TOP - BOTTOM)
    }

    /// Axes, grid lines, ticks and labels; y always spans 0..1.
    fn axes(&self, svg: &mut String, x_label: &str, y_label: &str, x_ticks: &[f64]) {
        let (bottom, top) = (self.y(0.0), self.y(1.0));
        let (left, right) = (self.x(self.x0), self.x(self.x1));
        for i in 0..=5 {
            let v = f64::from(i) / 5.0;
            let y = self.y(v);
            let _ = write!(
                svg,
                r##"<line x1="{left:.1}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" class="grid"/><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{v:.1}</text>"##,
                left - 6.0,
                y + 4.0
            );
        }
        for &v in x_ticks {
            let x = self.x(v);
            let _ = write!(
                svg,
                r##"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}" class="grid"/><text x="{x:.1}" y="{:.1}" class="tick" text-anchor="middle">{v:.1}</text>"##,
                bottom + 16.0
            );
        }
        let _ = write!(
            svg,
            r##"<rect x="{left:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" class="frame"/><text x="{:.1}" y="{:.1}" class="label" text-anchor="middle">{x_label}</text><text x="14" y="{:.1}" class="label" text-anchor="middle" transform="rotate(-90 14 {:.1})">{y_label}</text>"##,
            right - left,
            bottom - top,
            (left + right) / 2.0,
            HEIGHT - 6.0,
            (top + bottom) / 2.0,
            (top + bottom) / 2.0,
        );
    }
}

/// Indices of the points to draw: all when few, else an even thinning that keeps `keep`.
fn thin(len: usize, keep: usize) -> Vec<usize> {
    if len <= MAX_POINTS {
        return (0..len).collect();
    }
    let step = len.div_ceil(MAX_POINTS);
    let mut idx: Vec<usize> = (0..len).step_by(step).collect();
    idx.push(len - 1);
    idx.push(keep);
    idx.sort_unstable();
    idx.dedup();
    idx
}

fn chosen_index(curve: &Curve, threshold: f64) -> usize {
    curve
        .points()
        .iter()
        .position(|p| p.threshold == threshold)
        .unwrap_or(0)
}

fn open_svg(svg: &mut String, title: &str) {
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"><title>{}</title>"##,
        escape(title)
    );
}

fn pr_chart(group: &Group) -> String {
    let curve = &group.curve;
    let best = &group.calibration.best;
    let frame = Frame { x0: 0.0, x1: 1.0 };
    let mut svg = String::new();
    open_svg(
        &mut svg,
        &format!("{}: precision against recall", group.name),
    );
    frame.axes(
        &mut svg,
        "recall",
        "precision",
        &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
    );
    let keep = chosen_index(curve, best.threshold);
    let mut points = String::new();
    // Start at recall 0 with the precision of the highest threshold, like a PR curve's left end.
    if let Some(c) = curve.counts(0) {
        let _ = write!(points, "{:.1},{:.1} ", frame.x(0.0), frame.y(c.precision()));
    }
    for i in thin(curve.points().len(), keep) {
        let Some(c) = curve.counts(i) else { continue };
        let _ = write!(
            points,
            "{:.1},{:.1} ",
            frame.x(c.recall()),
            frame.y(c.precision())
        );
    }
    let _ = write!(
        svg,
        r##"<polyline points="{}" class="curve"/>"##,
        points.trim_end()
    );
    let base_rate = if curve.positives() + curve.negatives() == 0 {
        0.0
    } else {
        curve.positives() as f64 / (curve.positives() + curve.negatives()) as f64
    };
    let _ = write!(
        svg,
        r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" class="baseline"/><text x="{:.1}" y="{:.1}" class="note">share of same pairs {base_rate:.2}</text>"##,
        frame.x(0.0),
        frame.x(1.0),
        frame.x(0.0) + 6.0,
        frame.y(base_rate) + 14.0,
        y = frame.y(base_rate),
    );
    // The label sits in the lower left, which a PR curve above the base rate leaves empty.
    let (cx, cy) = (frame.x(best.recall), frame.y(best.precision));
    let _ = write!(
        svg,
        r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" class="chosen"/><circle cx="{:.1}" cy="{:.1}" r="4" class="chosen"/><text x="{:.1}" y="{:.1}" class="chosen-label">t = {}: precision {:.3}, recall {:.3}</text></svg>"##,
        frame.x(0.0) + 12.0,
        frame.y(0.06) - 4.0,
        frame.x(0.0) + 22.0,
        frame.y(0.06),
        best.threshold,
        best.precision,
        best.recall,
    );
    svg
}

fn f1_chart(group: &Group, schema_threshold: Option<f64>) -> String {
    let curve = &group.curve;
    let best = &group.calibration.best;
    let lowest = curve.points().last().map_or(0.0, |p| p.threshold);
    let x0 = ((lowest.min(0.0) * 10.0).floor() / 10.0).max(-1.0);
    let frame = Frame { x0, x1: 1.0 };
    let ticks: Vec<f64> = (0..=10)
        .map(|i| f64::from(i) / 5.0 - 1.0)
        .filter(|&t| t >= x0 - 1e-9)
        .collect();
    let mut svg = String::new();
    open_svg(&mut svg, &format!("{}: F1 against threshold", group.name));
    frame.axes(
        &mut svg,
        "threshold (same if score >= threshold)",
        "F1",
        &ticks,
    );
    if let Some(ci) = &group.calibration.ci {
        let (a, b) = (frame.x(ci.threshold[0]), frame.x(ci.threshold[1]));
        let _ = write!(
            svg,
            r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="{:.1}" class="ci"><title>{:.0}% bootstrap interval {:.3} to {:.3}</title></rect>"##,
            frame.y(1.0),
            (b - a).max(1.0),
            frame.y(0.0) - frame.y(1.0),
            ci.level.get() * 100.0,
            ci.threshold[0],
            ci.threshold[1],
        );
    }
    // F1 is a step function of the threshold, constant on each (next lower score, score]. Above
    // the highest score nothing is accepted (F1 0); below the lowest, everything is.
    let keep = chosen_index(curve, best.threshold);
    let mut points = format!("{:.1},{:.1} ", frame.x(1.0), frame.y(0.0));
    let mut previous = 0.0;
    for i in thin(curve.points().len(), keep) {
        let (Some(point), Some(counts)) = (curve.points().get(i), curve.counts(i)) else {
            continue;
        };
        let x = frame.x(point.threshold);
        let f1 = counts.f1();
        let _ = write!(
            points,
            "{x:.1},{:.1} {x:.1},{:.1} ",
            frame.y(previous),
            frame.y(f1)
        );
        previous = f1;
    }
    let _ = write!(points, "{:.1},{:.1}", frame.x(x0), frame.y(previous));
    let _ = write!(svg, r##"<polyline points="{points}" class="curve"/>"##);
    if let Some(t) = schema_threshold {
        let x = frame.x(t);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" class="schema"/><text x="{:.1}" y="{:.1}" class="note" text-anchor="{anchor}">schema {t}</text>"##,
            frame.y(0.0),
            frame.y(1.0),
            x + if t > 0.7 { -4.0 } else { 4.0 },
            frame.y(0.95),
            anchor = if t > 0.7 { "end" } else { "start" },
        );
    }
    let x = frame.x(best.threshold);
    let anchor = if best.threshold > 0.55 {
        "end"
    } else {
        "start"
    };
    let dx = if best.threshold > 0.55 { -8.0 } else { 8.0 };
    let _ = write!(
        svg,
        r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" class="chosen-line"/><circle cx="{x:.1}" cy="{:.1}" r="5" class="chosen"/><text x="{:.1}" y="{:.1}" class="chosen-label" text-anchor="{anchor}">t = {}, F1 {:.3}</text></svg>"##,
        frame.y(0.0),
        frame.y(1.0),
        frame.y(best.f1),
        x + dx,
        frame.y(best.f1) - 10.0,
        best.threshold,
        best.f1,
    );
    svg
}

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 980px; color: #1d232b; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; margin: 28px 0 4px; border-top: 1px solid #d6dbe1; padding-top: 16px; }
p.meta { color: #56606b; margin-top: 0; }
p.warning { color: #b91c1c; }
table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #e6e9ed; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; background: #f4f6f8; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg { background: #fff; }
svg .grid { stroke: #eceff2; stroke-width: 1; }
svg .frame { fill: none; stroke: #8a949e; stroke-width: 1; }
svg .tick { font-size: 11px; fill: #56606b; }
svg .label { font-size: 12px; fill: #1d232b; }
svg .note { font-size: 11px; fill: #6b7580; }
svg .curve { fill: none; stroke: #2563eb; stroke-width: 2; stroke-linejoin: round; }
svg .baseline { stroke: #9aa3ad; stroke-dasharray: 4 4; }
svg .ci { fill: #f59e0b; fill-opacity: 0.18; stroke: none; }
svg .schema { stroke: #6b7580; stroke-dasharray: 2 3; stroke-width: 1.5; }
svg .chosen { fill: #dc2626; stroke: #fff; stroke-width: 1.5; }
svg .chosen-line { stroke: #dc2626; stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .chosen-label { font-size: 12px; font-weight: 600; fill: #b91c1c; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .note { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
"#;

/// The whole HTML document.
pub(crate) fn render(outcome: &Outcome) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>cascade calibrate: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&outcome.pairs_path)
    );
    let _ = writeln!(html, "<h1>Calibrated thresholds</h1>");
    let _ = writeln!(
        html,
        "<p class=\"meta\">{} · objective <code>{}</code> · rule <code>same if {} &gt;= threshold</code>{}</p>",
        escape(&outcome.pairs_path),
        escape(&outcome.objective.to_string()),
        escape(&outcome.score_field),
        outcome
            .dims
            .iter()
            .max()
            .map_or(String::new(), |d| format!(" at {d} dims")),
    );
    let has_ci = outcome.groups.iter().any(|g| g.calibration.ci.is_some());
    let has_cv = outcome.groups.iter().any(|g| g.calibration.cv.is_some());
    let schema = outcome.schema.as_ref();
    let _ = write!(
        html,
        "<table>\n<tr><th>type</th><th>n</th><th>same</th><th>threshold</th>"
    );
    if has_ci {
        html.push_str("<th>CI of threshold</th>");
    }
    html.push_str("<th>precision</th><th>recall</th><th>F1</th>");
    if has_cv {
        html.push_str("<th>cross-validated F1</th>");
    }
    if schema.is_some() {
        html.push_str("<th>schema</th>");
    }
    html.push_str("</tr>\n");
    for g in &outcome.groups {
        let c = &g.calibration;
        let _ = write!(
            html,
            "<tr><td><a href=\"#type-{id}\">{name}</a></td><td>{}</td><td>{}</td><td>{}</td>",
            c.n,
            c.positives,
            if g.warning().is_some() {
                "not calibrated".to_owned()
            } else {
                c.best.threshold.to_string()
            },
            id = escape(&g.name),
            name = escape(&g.name),
        );
        if has_ci {
            let _ = write!(
                html,
                "<td>{}</td>",
                c.ci.map_or("-".to_owned(), |ci| format!(
                    "{:.3} – {:.3}",
                    ci.threshold[0], ci.threshold[1]
                ))
            );
        }
        let _ = write!(
            html,
            "<td>{:.3}</td><td>{:.3}</td><td>{:.3}</td>",
            c.best.precision, c.best.recall, c.best.f1
        );
        if has_cv {
            let _ = write!(
                html,
                "<td>{}</td>",
                c.cv.as_ref().map_or("-".to_owned(), |cv| format!(
                    "{:.3} ± {:.3}",
                    cv.f1_mean, cv.f1_sd
                ))
            );
        }
        if let Some(schema) = schema {
            let _ = write!(
                html,
                "<td>{}</td>",
                schema
                    .compare_with(&g.name)
                    .map_or("-".to_owned(), |t| t.to_string())
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    for g in &outcome.groups {
        let c = &g.calibration;
        let _ = writeln!(html, "<section id=\"type-{}\">", escape(&g.name));
        let _ = writeln!(html, "<h2>{}</h2>", escape(&g.name));
        let mut meta = format!(
            "{} pairs, {} same · threshold <b>{}</b> (any value in ({}, {}] gives the same counts) · P {:.3} · R {:.3} · F1 {:.3} · tp {} fp {} fn {} tn {}",
            c.n,
            c.positives,
            c.best.threshold,
            c.best.interval.0.map_or("−∞".to_owned(), |v| v.to_string()),
            c.best.interval.1,
            c.best.precision,
            c.best.recall,
            c.best.f1,
            c.best.counts.tp,
            c.best.counts.fp,
            c.best.counts.fn_,
            c.best.counts.tn,
        );
        if let Some(ci) = &c.ci {
            let _ = write!(
                meta,
                " · {:.0}% CI of the threshold {:.3} – {:.3} (shaded)",
                ci.level.get() * 100.0,
                ci.threshold[0],
                ci.threshold[1]
            );
        }
        let _ = writeln!(html, "<p class=\"meta\">{meta}</p>");
        if let Some(warning) = g.warning() {
            let _ = writeln!(
                html,
                "<p class=\"warning\"><b>Not calibrated</b>: {} (its threshold is not written by <code>--write</code>)</p>",
                escape(&warning)
            );
        }
        // One SVG element per line keeps the file diffable.
        let _ = writeln!(
            html,
            "<div class=\"charts\">\n{}\n{}\n</div>\n</section>",
            pr_chart(g).replace("><", ">\n<"),
            f1_chart(g, schema.and_then(|s| s.compare_with(&g.name))).replace("><", ">\n<")
        );
    }
    html.push_str("</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn thin_keeps_the_ends_and_the_chosen_point() {
        assert_eq!(thin(5, 2), [0, 1, 2, 3, 4]);
        let idx = thin(10_000, 4_321);
        assert!(idx.len() <= MAX_POINTS + 2);
        assert!(idx.contains(&0) && idx.contains(&9_999) && idx.contains(&4_321));
    }
}
