//! The heat maps of the register page: likelihood (rows, highest first) x impact (columns),
//! the number of risks in each cell, drawn as inline SVG; each non-empty cell links to the
//! list of its risks below the map, which works without script.

use super::*;

/// Size of a cell and the room left for the likelihood words, in SVG units.
const CELL_W: usize = 72;
const CELL_H: usize = 44;
const LABEL_W: usize = 120;
const AXIS_H: usize = 28;

/// A cell of a heat map.
#[derive(Serialize, Hash)]
pub(super) struct HeatCell<'a> {
    pub(super) count: usize,
    score: usize,
    level: &'static str,
    x: usize,
    y: usize,
    /// Where its text sits.
    cx: usize,
    cy: usize,
    /// The anchor of its list of risks.
    anchor: String,
    /// `likely × major: 2 risks (score 16, high)`.
    label: String,
    risks: Vec<RiskRef<'a>>,
}

/// A row of a heat map: one likelihood.
#[derive(Serialize, Hash)]
pub(super) struct HeatRow<'a> {
    pub(super) likelihood: &'a str,
    label_y: usize,
    pub(super) cells: Vec<HeatCell<'a>>,
}

/// An impact word under its column.
#[derive(Serialize, Hash)]
struct Axis<'a> {
    word: &'a str,
    x: usize,
}

/// A heat map: `inherent` or `residual`.
#[derive(Serialize, Hash)]
pub(super) struct HeatMap<'a> {
    pub(super) id: &'static str,
    title: &'a str,
    impacts: Vec<Axis<'a>>,
    /// Highest likelihood first.
    pub(super) rows: Vec<HeatRow<'a>>,
    width: usize,
    height: usize,
    axis_y: usize,
    label_x: usize,
    total: usize,
}

/// The inherent and the residual map. A risk without a residual rating is placed on the
/// residual map by its inherent one (the rating that stands).
pub(super) fn heat_maps(model: &Model) -> Vec<HeatMap<'_>> {
    let reg = &model.registers;
    vec![
        heat_map(model, "inherent", "text.heat_inherent", &|k| {
            reg.risks[k].inherent
        }),
        heat_map(model, "residual", "text.heat_residual", &|k| {
            reg.risks[k].current()
        }),
    ]
}

fn heat_map<'a>(
    model: &'a Model,
    id: &'static str,
    title: &'static str,
    rating: &dyn Fn(usize) -> Rating,
) -> HeatMap<'a> {
    let reg = &model.registers;
    let strings = &model.settings.strings;
    let scales = &reg.scales;
    let (nl, ni) = (scales.likelihood.len(), scales.impact.len());
    let rows = (1..=nl)
        .rev()
        .enumerate()
        .map(|(row, l)| {
            let y = row * CELL_H;
            let cells = (1..=ni)
                .map(|i| {
                    let ks: Vec<usize> = (0..reg.risks.len())
                        .filter(|&k| {
                            rating(k)
                                == Rating {
                                    likelihood: l,
                                    impact: i,
                                }
                        })
                        .collect();
                    let score = l * i;
                    let level = scales.level(score).as_str();
                    let x = LABEL_W + (i - 1) * CELL_W;
                    let n = ks.len();
                    HeatCell {
                        count: n,
                        score,
                        level,
                        x,
                        y,
                        cx: x + CELL_W / 2,
                        cy: y + CELL_H / 2 + 6,
                        anchor: format!("heat-{id}-{l}-{i}"),
                        label: strings.text(
                            if n == 1 {
                                "text.heat_cell_one"
                            } else {
                                "text.heat_cell"
                            },
                            &[
                                ("likelihood", &scales.likelihood[l - 1]),
                                ("impact", &scales.impact[i - 1]),
                                ("n", &n.to_string()),
                                ("score", &score.to_string()),
                                ("level", strings.get(&format!("level.{level}"))),
                            ],
                        ),
                        risks: risk_refs(model, &ks),
                    }
                })
                .collect();
            HeatRow {
                likelihood: &scales.likelihood[l - 1],
                label_y: y + CELL_H / 2 + 5,
                cells,
            }
        })
        .collect();
    HeatMap {
        id,
        title: strings.get(title),
        impacts: (scales.impact.iter().enumerate())
            .map(|(i, word)| Axis {
                word,
                x: LABEL_W + i * CELL_W + CELL_W / 2,
            })
            .collect(),
        rows,
        width: LABEL_W + ni * CELL_W,
        height: nl * CELL_H + AXIS_H,
        axis_y: nl * CELL_H + 18,
        label_x: LABEL_W - 8,
        total: reg.risks.len(),
    }
}
