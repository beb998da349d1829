//! Counting a decision: pairwise matrix, quorum, majority, Schulze with winning votes
//! (SPEC section 5, after Debian's constitution, appendix A). Pure functions over data.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;

use serde::Serialize;

use crate::model::rules::Ratio;

/// Why an option left the count before Schulze.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DropReason {
    Quorum,
    Majority,
}

/// An option dropped, with the figures that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub option: usize,
    pub reason: DropReason,
    /// V(A, none) and V(none, A).
    pub for_: u64,
    pub against: u64,
}

impl Dropped {
    /// Why the option (called `name`, needing `ratio`) was dropped, with the figures.
    pub fn explain(&self, name: &str, ratio: Ratio, quorum: u32) -> String {
        match self.reason {
            DropReason::Quorum => format!("quorum: V({name}, none) = {} < {quorum}", self.for_),
            DropReason::Majority => format!(
                "majority: V({name}, none) = {} against V(none, {name}) = {}; {ratio} needs {} >= {} x {} and {} > {}",
                self.for_,
                self.against,
                u128::from(self.for_) * u128::from(ratio.d),
                ratio.n,
                self.against,
                self.for_,
                self.against
            ),
        }
    }
}

/// The strength of a defeat or path: (V(A,B), V(B,A)); `None` when there is none.
pub type Strength = Option<(u64, u64)>;

/// Orders strengths: more winning votes is stronger, then fewer losing votes; none is weakest.
pub fn cmp_strength(a: Strength, b: Strength) -> Ordering {
    let key = |s: Strength| s.map(|(w, l)| (w, Reverse(l)));
    key(a).cmp(&key(b))
}

/// The full count of one decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// Option names, sorted, `none` last.
    pub options: Vec<String>,
    /// `pairwise[i][j]` = V(`options[i]`, `options[j]`).
    pub pairwise: Vec<Vec<u64>>,
    pub dropped: Vec<Dropped>,
    /// Options left for Schulze (indices), `none` included.
    pub remaining: Vec<usize>,
    /// Strongest paths among `remaining`: `paths[i][j]` for options i, j (indices into options).
    pub paths: Vec<Vec<Strength>>,
    /// The Schulze winners (indices), sorted.
    pub winners: Vec<usize>,
}

impl Count {
    pub fn none_index(&self) -> usize {
        self.options.len() - 1
    }

    pub fn winner_names(&self) -> Vec<String> {
        self.winners
            .iter()
            .map(|&i| self.options[i].clone())
            .collect()
    }

    /// The defeats among remaining options: (winner, loser, strength), strongest first.
    pub fn defeats(&self) -> Vec<(usize, usize, (u64, u64))> {
        let mut out = Vec::new();
        for &a in &self.remaining {
            for &b in &self.remaining {
                let (ab, ba) = (self.pairwise[a][b], self.pairwise[b][a]);
                if a != b && ab > ba {
                    out.push((a, b, (ab, ba)));
                }
            }
        }
        out.sort_by(|x, y| cmp_strength(Some(y.2), Some(x.2)).then((x.0, x.1).cmp(&(y.0, y.1))));
        out
    }
}

/// Ballots aggregated by their rank vectors: identical ballots are counted once with a weight.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    n: usize,
    weights: HashMap<Vec<u16>, u64>,
}

impl Profile {
    /// A profile over `n` options (the last one is `none`).
    pub fn new(n: usize) -> Self {
        Profile {
            n,
            weights: HashMap::new(),
        }
    }

    /// Adds `weight` ballots ranking options in `groups` (indices, most preferred first);
    /// options not named rank equal, below every named one. Empty groups mean abstention.
    pub fn add(&mut self, groups: &[Vec<usize>], weight: u64) {
        let last = groups.len().min(u16::MAX as usize) as u16;
        let mut ranks = vec![last; self.n];
        for (r, g) in groups.iter().enumerate() {
            for &i in g {
                if i < self.n && ranks[i] == last {
                    ranks[i] = r.min(u16::MAX as usize) as u16;
                }
            }
        }
        *self.weights.entry(ranks).or_default() += weight;
    }

    /// V(i, j) for every pair.
    pub fn pairwise(&self) -> Vec<Vec<u64>> {
        let mut v = vec![vec![0u64; self.n]; self.n];
        for (ranks, &w) in &self.weights {
            for i in 0..self.n {
                for j in 0..self.n {
                    if ranks[i] < ranks[j] {
                        v[i][j] += w;
                    }
                }
            }
        }
        v
    }

    /// How many distinct ballots the profile holds.
    pub fn distinct(&self) -> usize {
        self.weights.len()
    }
}

/// Counts a decision from its pairwise matrix. `options` are sorted with `none` last; `ratios`
/// gives each non-`none` option's majority ratio.
pub fn count(
    options: Vec<String>,
    pairwise: Vec<Vec<u64>>,
    ratios: &[Ratio],
    quorum: u64,
) -> Count {
    let n = options.len();
    let none = n - 1;
    let mut dropped = Vec::new();
    for (a, row) in pairwise.iter().enumerate().take(none) {
        let (f, g) = (row[none], pairwise[none][a]);
        let reason = if f < quorum {
            Some(DropReason::Quorum)
        } else {
            let r = ratios.get(a).copied().unwrap_or(Ratio::SIMPLE);
            (!r.passes(f, g)).then_some(DropReason::Majority)
        };
        if let Some(reason) = reason {
            dropped.push(Dropped {
                option: a,
                reason,
                for_: f,
                against: g,
            });
        }
    }
    let remaining: Vec<usize> = (0..n)
        .filter(|i| !dropped.iter().any(|d| d.option == *i))
        .collect();
    let mut paths = vec![vec![None; n]; n];
    for &a in &remaining {
        for &b in &remaining {
            if a != b && pairwise[a][b] > pairwise[b][a] {
                paths[a][b] = Some((pairwise[a][b], pairwise[b][a]));
            }
        }
    }
    for &k in &remaining {
        for &i in &remaining {
            if i == k {
                continue;
            }
            for &j in &remaining {
                if j == i || j == k {
                    continue;
                }
                let via = if cmp_strength(paths[i][k], paths[k][j]) == Ordering::Less {
                    paths[i][k]
                } else {
                    paths[k][j]
                };
                if cmp_strength(via, paths[i][j]) == Ordering::Greater {
                    paths[i][j] = via;
                }
            }
        }
    }
    let winners = if remaining == [none] {
        vec![none]
    } else {
        remaining
            .iter()
            .copied()
            .filter(|&a| {
                remaining
                    .iter()
                    .all(|&b| a == b || cmp_strength(paths[a][b], paths[b][a]) != Ordering::Less)
            })
            .collect()
    };
    Count {
        options,
        pairwise,
        dropped,
        remaining,
        paths,
        winners,
    }
}

/// Sorts option names: proposals by name, `none` last.
pub fn sort_options(options: &mut [String]) {
    options.sort_by(|a, b| match (a == "none", b == "none") {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.cmp(b),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_perfect_cycle_is_a_tie() {
        let mut p = Profile::new(4);
        p.add(&[vec![0], vec![1], vec![2], vec![3]], 1);
        p.add(&[vec![1], vec![2], vec![0], vec![3]], 1);
        p.add(&[vec![2], vec![0], vec![1], vec![3]], 1);
        let c = count(
            names(&["a", "b", "c", "none"]),
            p.pairwise(),
            &[Ratio::SIMPLE; 3],
            0,
        );
        assert_eq!(c.winners, vec![0, 1, 2]);
    }

    #[test]
    fn everything_dropped_means_none_wins() {
        let mut p = Profile::new(2);
        p.add(&[vec![1], vec![0]], 3);
        let c = count(names(&["a", "none"]), p.pairwise(), &[Ratio::SIMPLE], 0);
        assert_eq!(c.winners, vec![1]);
        assert_eq!(c.dropped[0].reason, DropReason::Majority);
    }

    #[test]
    fn supermajority_boundary_is_inclusive() {
        // V(A,none) = 3 x V(none,A) exactly passes a 3:1 majority.
        let mut p = Profile::new(2);
        p.add(&[vec![0], vec![1]], 6);
        p.add(&[vec![1], vec![0]], 2);
        let c = count(
            names(&["a", "none"]),
            p.pairwise(),
            &[Ratio { n: 3, d: 1 }],
            0,
        );
        assert!(c.dropped.is_empty());
        assert_eq!(c.winners, vec![0]);
        p.add(&[vec![1], vec![0]], 1);
        let c = count(
            names(&["a", "none"]),
            p.pairwise(),
            &[Ratio { n: 3, d: 1 }],
            0,
        );
        assert_eq!(c.winners, vec![1]);
    }

    #[test]
    fn abstentions_and_equal_rankings_count_nothing() {
        let mut p = Profile::new(3);
        p.add(&[], 5);
        p.add(&[vec![0, 1, 2]], 2);
        assert!(p.pairwise().iter().flatten().all(|&v| v == 0));
        assert_eq!(p.distinct(), 1);
    }

    #[test]
    fn quorum_drops() {
        let mut p = Profile::new(2);
        p.add(&[vec![0]], 2);
        let c = count(names(&["a", "none"]), p.pairwise(), &[Ratio::SIMPLE], 3);
        assert_eq!(c.dropped[0].reason, DropReason::Quorum);
        assert_eq!(c.winners, vec![1]);
    }
}
