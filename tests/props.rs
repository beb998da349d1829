//! Property tests: the count's symmetries and monotonicity, and that a status edit changes
//! nothing but the status value.

use council::cmd::edit::FrontMatterEdit;
use council::model::rules::Ratio;
use council::tally::{Count, Profile, count};
use proptest::prelude::*;

/// A ballot as one rank per option (0 best); `None` leaves the option unranked.
type Ballot = Vec<Option<u8>>;

fn groups(b: &Ballot) -> Vec<Vec<usize>> {
    let mut g: Vec<Vec<usize>> = vec![Vec::new(); 5];
    for (i, r) in b.iter().enumerate() {
        if let Some(r) = r {
            g[*r as usize].push(i);
        }
    }
    g.retain(|x| !x.is_empty());
    g
}

fn tally(n: usize, ballots: &[Ballot], quorum: u64) -> Count {
    let mut p = Profile::new(n);
    for b in ballots {
        p.add(&groups(b), 1);
    }
    let mut names: Vec<String> = (0..n - 1).map(|i| format!("{i:04}")).collect();
    names.push("none".into());
    count(names, p.pairwise(), &vec![Ratio::SIMPLE; n - 1], quorum)
}

fn election() -> impl Strategy<Value = (usize, Vec<Ballot>)> {
    (3usize..=6).prop_flat_map(|n| {
        let ballot = prop::collection::vec(prop::option::weighted(0.85, 0u8..4), n);
        (Just(n), prop::collection::vec(ballot, 1..40))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn reordering_ballots_changes_nothing((n, ballots) in election(), seed in any::<u64>()) {
        let a = tally(n, &ballots, 1);
        let mut shuffled = ballots.clone();
        let len = shuffled.len();
        let mut s = seed;
        for i in (1..len).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let b = tally(n, &shuffled, 1);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn renaming_options_changes_nothing((n, ballots) in election(), rot in 1usize..5) {
        // Rotate the proposal options (none stays last): option i becomes (i + rot) % (n - 1).
        let k = n - 1;
        let perm = |i: usize| if i == k { k } else { (i + rot) % k };
        let renamed: Vec<Ballot> = ballots
            .iter()
            .map(|b| {
                let mut r = vec![None; n];
                for (i, x) in b.iter().enumerate() {
                    r[perm(i)] = *x;
                }
                r
            })
            .collect();
        let a = tally(n, &ballots, 0);
        let b = tally(n, &renamed, 0);
        let mut mapped: Vec<usize> = a.winners.iter().map(|&w| perm(w)).collect();
        mapped.sort();
        prop_assert_eq!(mapped, b.winners.clone());
        let mut dropped_a: Vec<usize> = a.dropped.iter().map(|d| perm(d.option)).collect();
        dropped_a.sort();
        let dropped_b: Vec<usize> = b.dropped.iter().map(|d| d.option).collect();
        prop_assert_eq!(dropped_a, dropped_b);
    }

    #[test]
    fn a_condorcet_winner_that_passes_always_wins((n, ballots) in election()) {
        let c = tally(n, &ballots, 0);
        let v = &c.pairwise;
        let none = n - 1;
        for (a, row) in v.iter().enumerate().take(none) {
            let beats_all = (0..n).all(|b| b == a || row[b] > v[b][a]);
            if beats_all {
                // Beating none 1:1 is the majority; quorum is 0.
                prop_assert_eq!(c.winners.clone(), vec![a]);
            }
        }
    }

    #[test]
    fn raising_the_winner_never_makes_it_lose((n, ballots) in election(), which in any::<prop::sample::Index>()) {
        let before = tally(n, &ballots, 0);
        prop_assume!(before.winners.len() == 1 && before.winners[0] != n - 1);
        let w = before.winners[0];
        let mut raised = ballots.clone();
        let i = which.index(raised.len());
        // Put the winner strictly first on one ballot; the others keep their order.
        let b = &mut raised[i];
        for (j, r) in b.iter_mut().enumerate() {
            if j != w {
                *r = r.map(|x| x + 1);
            }
        }
        b[w] = Some(0);
        let after = tally(n, &raised, 0);
        prop_assert!(after.winners.contains(&w), "before {:?} after {:?}", before.winners, after.winners);
    }

    #[test]
    fn a_status_edit_changes_only_the_status_value(
        before in prop::collection::vec(("[a-z][a-z-]{0,8}", "[1-9][0-9]{0,3}", "[ \t]{0,3}", prop::option::of("# [ -~]{0,20}")), 0..6),
        after in prop::collection::vec(("[a-z][a-z-]{0,8}", "[1-9][0-9]{0,3}", "[ \t]{0,3}", prop::option::of("# [ -~]{0,20}")), 0..6),
        sp in ("[ \t]{0,3}", "[ \t]{0,3}", "[ \t]{0,3}"),
        comment in prop::option::of("# [ -~]{0,30}"),
        body in "[ -~\n]{0,200}",
        new in prop::sample::select(vec!["Discussion", "Withdrawn", "Deferred"]),
    ) {
        let mut seen = std::collections::HashSet::new();
        seen.insert("status".to_owned());
        let mut line = |(k, v, s, c): &(String, String, String, Option<String>)| {
            if !seen.insert(k.clone()) {
                return String::new();
            }
            format!("{k} = {v}{s}{}\n", c.clone().unwrap_or_default())
        };
        let head: String = before.iter().map(&mut line).collect();
        let tail: String = after.iter().map(&mut line).collect();
        let status = |v: &str| format!("status{}={}\"{v}\"{}{}\n", sp.0, sp.1, sp.2, comment.clone().unwrap_or_default());
        let body = body.replace("+++", "++");
        let src = format!("+++\n{head}{}{tail}+++\n{body}", status("Draft"));
        let mut e = FrontMatterEdit::open("p.md", src.clone()).unwrap();
        e.set("status", new);
        let out = e.finish();
        let expected = format!("+++\n{head}{}{tail}+++\n{body}", status(new));
        prop_assert_eq!(out, expected);
    }

    /// The fuzz target `proposal` runs on `lint::check_one`; this keeps that API under the main
    /// suite too, on front matter built from real keys, so a change that breaks it fails here.
    #[test]
    fn a_proposal_finding_always_has_a_position(
        fields in prop::collection::vec((prop::sample::select(vec!["id", "title", "status", "type", "topic", "authors", "created", "replaces", "voting-closes"]), "[ -~]{0,20}"), 0..8),
        lead in "[ \t\n]{0,2}",
        body in "[ -~\n]{0,120}",
    ) {
        let repo = council::repo::Repo { root: "/nonexistent/council-props".into(), ..Default::default() };
        let head: String = fields.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        let src = format!("{lead}+++\n{head}+++\n{body}");
        for d in council::lint::check_one(&repo, "proposals/0007-x.md", src) {
            prop_assert!(d.line >= 1 && d.column >= 1, "{:?}", d);
        }
    }
}
