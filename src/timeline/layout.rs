//! Where the picture puts things: the time scale and the labels. Pure geometry, in pixels.
//!
//! **The scale.** Events crowd around the meeting (a dozen in six weeks) and are months apart
//! elsewhere, so a linear axis would stack the crowd into one spot. The axis is piecewise
//! linear between the days that matter (each event's first day, the ends of spans, the months
//! around them): a gap of `d` days gets room in proportion to `d^0.35`, and never less than
//! [`Params::min_gap`] before an event. It stays monotone, so months and years are marked
//! where they are, and a month drawn wider than another shows where the scale widens.
//!
//! **The labels** sit in lanes above and below the axis, each on a vertical leader from its
//! event's mark: above, the text runs right of the leader; below, left of it. Above, placed
//! from the last event to the first, a label takes the first lane beyond every label of its
//! side whose leader it would otherwise cover; below, the same from the first event to the
//! last. So no label covers another or another's leader, and no leader crosses a label:
//! leaders the label spans end nearer the axis than it, and labels beyond a leader start past
//! it. Labels go to the side they fit on, alternating, then move across while that makes the
//! picture lower.

/// How much a gap's length in days counts: a gap of `d` days gets room in proportion to
/// `d^WEIGHT_POWER` (a year about six times a week).
const WEIGHT_POWER: f32 = 0.35;

/// One thing to place: an event (or the events of one day) with its label's size.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The day of its mark (days since 1970-01-01).
    pub day: i64,
    /// Other days whose place on the axis the picture needs (other dates, ends of spans).
    pub days: Vec<i64>,
    /// The label's size, its leader at the left edge.
    pub width: f32,
    pub height: f32,
}

/// The room the layout has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Where the axis starts.
    pub left: f32,
    /// The rightmost pixel a label may reach (the axis may end before it).
    pub right: f32,
    /// The least room between the marks of two events.
    pub min_gap: f32,
    /// The least room between a label and the next label in its lane.
    pub label_gap: f32,
}

/// The time scale: days to pixels, piecewise linear between knots.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// (day, x), days strictly increasing, x increasing.
    knots: Vec<(i64, f32)>,
}

impl Scale {
    /// The x of a day (a fraction of a day for the time within it); days outside the scale
    /// are clamped to its ends.
    pub fn x(&self, day: f64) -> f32 {
        let knots = &self.knots;
        let (Some(first), Some(last)) = (knots.first(), knots.last()) else {
            return 0.0;
        };
        if day <= first.0 as f64 {
            return first.1;
        }
        if day >= last.0 as f64 {
            return last.1;
        }
        let i = knots.partition_point(|k| (k.0 as f64) <= day);
        let (d0, x0) = knots[i - 1];
        let (d1, x1) = knots[i];
        x0 + (x1 - x0) * ((day - d0 as f64) / (d1 - d0) as f64) as f32
    }

    /// The first and last day of the scale.
    pub fn domain(&self) -> (i64, i64) {
        (
            self.knots.first().map_or(0, |k| k.0),
            self.knots.last().map_or(0, |k| k.0),
        )
    }

    /// Where the axis starts and ends.
    pub fn extent(&self) -> (f32, f32) {
        (
            self.knots.first().map_or(0.0, |k| k.1),
            self.knots.last().map_or(0.0, |k| k.1),
        )
    }
}

/// A side of the axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Above => Side::Below,
            Side::Below => Side::Above,
        }
    }

    fn index(self) -> usize {
        match self {
            Side::Above => 0,
            Side::Below => 1,
        }
    }
}

/// Where one item went: the x of its mark, its side and lane (0 nearest the axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub x: f32,
    pub side: Side,
    pub lane: usize,
}

/// Where everything went.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub scale: Scale,
    /// For each item, in the order given.
    pub placed: Vec<Place>,
    /// The height of each lane of each side (above, below): its tallest label.
    lane_heights: [Vec<f32>; 2],
}

impl Layout {
    /// The lanes' heights on one side, nearest the axis first.
    pub fn lanes(&self, side: Side) -> &[f32] {
        &self.lane_heights[side.index()]
    }
}

/// Lays out items (sorted by day, days distinct) on an axis from `domain.0` to `domain.1`.
pub fn layout(items: &[Item], domain: (i64, i64), params: Params) -> Layout {
    let mut knots: Vec<i64> = vec![domain.0, domain.1];
    for item in items {
        knots.push(item.day);
        knots.extend(&item.days);
    }
    knots.retain(|&d| d >= domain.0 && d <= domain.1);
    knots.sort_unstable();
    knots.dedup();
    let anchors: Vec<bool> = knots
        .iter()
        .map(|d| items.iter().any(|i| i.day == *d))
        .collect();
    let scale = build(&knots, &anchors, params.left, params.right, params.min_gap);
    let xs: Vec<f32> = items.iter().map(|i| scale.x(i.day as f64)).collect();
    // Which sides an item's label fits on: above it runs right of its leader, below left.
    let room = |i: usize, side: Side| match side {
        Side::Above => xs[i] + items[i].width <= params.right,
        Side::Below => xs[i] - items[i].width >= params.left - params.min_gap,
    };
    let mut sides: Vec<Side> = (0..items.len())
        .map(|i| {
            let preferred = if i % 2 == 0 { Side::Above } else { Side::Below };
            if room(i, preferred) {
                preferred
            } else {
                preferred.other()
            }
        })
        .collect();
    let mut lanes = assign_lanes(items, &xs, &sides, params);
    // Move labels to the other side while that makes the picture lower.
    let mut best = total_height(items, &sides, &lanes);
    for _ in 0..4 {
        let mut better = false;
        for i in 0..items.len() {
            let side = sides[i].other();
            if !room(i, side) {
                continue;
            }
            sides[i] = side;
            let trial = assign_lanes(items, &xs, &sides, params);
            let height = total_height(items, &sides, &trial);
            if height + 0.5 < best {
                best = height;
                lanes = trial;
                better = true;
            } else {
                sides[i] = side.other();
            }
        }
        if !better {
            break;
        }
    }
    let placed: Vec<Place> = (0..items.len())
        .map(|i| Place {
            x: xs[i],
            side: sides[i],
            lane: lanes[i],
        })
        .collect();
    let lane_heights = heights(items, &sides, &lanes);
    Layout {
        scale,
        placed,
        lane_heights,
    }
}

/// The lane of each label given its side. Above, labels run right of their leaders, so each
/// takes the first lane beyond the labels whose leaders it spans, placed from the right;
/// below they run left, placed from the left.
fn assign_lanes(items: &[Item], xs: &[f32], sides: &[Side], params: Params) -> Vec<usize> {
    let mut lanes = vec![0usize; items.len()];
    for i in (0..items.len()).rev().filter(|&i| sides[i] == Side::Above) {
        let reach = xs[i] + items[i].width + params.label_gap;
        lanes[i] = (i + 1..items.len())
            .filter(|&j| sides[j] == Side::Above && xs[j] < reach)
            .map(|j| lanes[j] + 1)
            .max()
            .unwrap_or(0);
    }
    for i in (0..items.len()).filter(|&i| sides[i] == Side::Below) {
        let reach = xs[i] - items[i].width - params.label_gap;
        lanes[i] = (0..i)
            .filter(|&j| sides[j] == Side::Below && xs[j] > reach)
            .map(|j| lanes[j] + 1)
            .max()
            .unwrap_or(0);
    }
    lanes
}

fn heights(items: &[Item], sides: &[Side], lanes: &[usize]) -> [Vec<f32>; 2] {
    let mut lane_heights: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
    for ((item, side), &lane) in items.iter().zip(sides).zip(lanes) {
        let of_side = &mut lane_heights[side.index()];
        if of_side.len() <= lane {
            of_side.resize(lane + 1, 0.0);
        }
        of_side[lane] = of_side[lane].max(item.height);
    }
    lane_heights
}

fn total_height(items: &[Item], sides: &[Side], lanes: &[usize]) -> f32 {
    heights(items, sides, lanes)
        .iter()
        .flatten()
        .map(|h| h + 8.0)
        .sum()
}

/// The scale over `knots` from `left` to `right`: gaps in proportion to the square root of
/// their days, at least `min_gap` before an anchor (and a pixel elsewhere).
fn build(knots: &[i64], anchors: &[bool], left: f32, right: f32, min_gap: f32) -> Scale {
    let length = (right - left).max(0.0);
    let segments: Vec<(f32, f32)> = knots
        .windows(2)
        .zip(anchors.iter().skip(1))
        .map(|(w, &anchor)| {
            let weight = ((w[1] - w[0]) as f32).powf(WEIGHT_POWER);
            (weight, if anchor { min_gap } else { 1.0 })
        })
        .collect();
    let floor: f32 = segments.iter().map(|s| s.1).sum();
    let widths: Vec<f32> = if floor >= length {
        // Not even the least room fits: share the length by the least room.
        segments
            .iter()
            .map(|s| s.1 * length / floor.max(f32::EPSILON))
            .collect()
    } else {
        // The factor k for which sum(max(k·weight, least)) = length, by bisection.
        let total = |k: f32| -> f32 { segments.iter().map(|s| (k * s.0).max(s.1)).sum() };
        let (mut lo, mut hi) = (0.0f32, 1.0f32);
        while total(hi) < length && hi < 1e9 {
            hi *= 2.0;
        }
        for _ in 0..50 {
            let mid = (lo + hi) / 2.0;
            if total(mid) < length {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        segments.iter().map(|s| (hi * s.0).max(s.1)).collect()
    };
    let mut x = left;
    let mut out = Vec::with_capacity(knots.len());
    out.push((knots.first().copied().unwrap_or(0), left));
    for (day, width) in knots.iter().skip(1).zip(widths) {
        x += width;
        out.push((*day, x));
    }
    Scale { knots: out }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: Params = Params {
        left: 40.0,
        right: 1160.0,
        min_gap: 16.0,
        label_gap: 12.0,
    };

    fn item(day: i64, width: f32) -> Item {
        Item {
            day,
            days: Vec::new(),
            width,
            height: 30.0,
        }
    }

    #[test]
    fn the_scale_is_monotone_and_spans_the_axis() {
        let items = [item(10, 100.0), item(11, 100.0), item(400, 100.0)];
        let layout = layout(&items, (0, 400), PARAMS);
        assert_eq!(layout.scale.extent(), (40.0, 1160.0));
        let mut last = f32::MIN;
        for day in 0..=400 {
            let x = layout.scale.x(day as f64);
            assert!(x >= last, "day {day}");
            last = x;
        }
        // One day apart, the marks are still apart.
        assert!(layout.placed[1].x - layout.placed[0].x >= 16.0 - 0.01);
        // A year weighs more than a day, but not 389 times more.
        let year = layout.placed[2].x - layout.placed[1].x;
        let day = layout.placed[1].x - layout.placed[0].x;
        assert!(year > 3.0 * day && year < 50.0 * day, "{year} {day}");
        // The last label is below the axis, running left: it fits.
        assert_eq!(layout.placed[2].side, Side::Below);
    }

    #[test]
    fn crowded_labels_use_both_sides() {
        let items: Vec<Item> = (0..6).map(|d| item(100 + d * 2, 200.0)).collect();
        let layout = layout(&items, (0, 300), PARAMS);
        let above = layout
            .placed
            .iter()
            .filter(|p| p.side == Side::Above)
            .count();
        assert!((2..=4).contains(&above), "{:?}", layout.placed);
        let lanes = layout.lanes(Side::Above).len() + layout.lanes(Side::Below).len();
        assert!(lanes <= 6, "{:?}", layout.placed);
    }

    /// The span of a label: right of its leader above, left of it below.
    fn span(place: &Place, width: f32) -> (f32, f32) {
        match place.side {
            Side::Above => (place.x, place.x + width),
            Side::Below => (place.x - width, place.x),
        }
    }

    /// For any items, no label covers another label or another's leader, and all fit.
    #[test]
    fn labels_never_cover_labels_or_leaders() {
        let mut seed = 12345u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..200 {
            let count = 1 + next(40) as usize;
            let mut days: Vec<i64> = (0..count).map(|_| next(900) as i64).collect();
            days.sort_unstable();
            days.dedup();
            let items: Vec<Item> = days
                .iter()
                .map(|&d| Item {
                    height: 20.0 + next(40) as f32,
                    ..item(d, 60.0 + next(300) as f32)
                })
                .collect();
            let layout = layout(&items, (days[0] - 5, days[days.len() - 1] + 5), PARAMS);
            for (i, a) in items.iter().enumerate() {
                let pa = layout.placed[i];
                let (a0, a1) = span(&pa, a.width);
                assert!(a1 <= PARAMS.right + 0.01, "fits on the right");
                assert!(
                    a0 >= PARAMS.left - PARAMS.min_gap - 0.01,
                    "fits on the left"
                );
                for (j, b) in items.iter().enumerate().filter(|&(j, _)| j != i) {
                    let pb = layout.placed[j];
                    if pa.side != pb.side {
                        continue;
                    }
                    let (b0, b1) = span(&pb, b.width);
                    let overlap_x = a0 < b1 + 0.01 && b0 < a1 + 0.01;
                    assert!(
                        !(pa.lane == pb.lane && overlap_x),
                        "labels {i} and {j} overlap"
                    );
                    // b's leader runs from the axis out to b's lane; a's label must not be on it.
                    let on_leader = pb.x >= a0 && pb.x <= a1 && pa.lane < pb.lane;
                    assert!(!on_leader, "label {i} covers the leader of {j}");
                }
            }
        }
    }
}
